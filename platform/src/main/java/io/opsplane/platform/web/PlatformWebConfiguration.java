package io.opsplane.platform.web;

import io.opsplane.platform.auth.ApiKeyAuthenticationFilter;
import io.opsplane.platform.auth.ApiKeyAuthenticator;
import io.opsplane.platform.auth.AuthenticatedKeyArgumentResolver;
import io.opsplane.platform.auth.CredentialStore;
import io.opsplane.platform.auth.KeyPepper;
import io.opsplane.platform.auth.ScopeInterceptor;
import io.opsplane.platform.fairness.ConcurrencyLimitFilter;
import io.opsplane.platform.fairness.ConcurrencyProperties;
import io.opsplane.platform.fairness.StreamLimitProperties;
import io.opsplane.platform.openapi.ApiDocumentation;
import io.opsplane.platform.problem.ProblemErrorController;
import io.opsplane.platform.problem.ProblemErrorReportValve;
import io.opsplane.platform.problem.ProblemHandler;
import io.opsplane.platform.problem.ProblemWriter;
import io.opsplane.platform.ratelimit.RateLimitFilter;
import io.opsplane.platform.ratelimit.RateLimitProperties;
import io.opsplane.platform.ratelimit.RateLimiter;
import io.opsplane.platform.request.RequestGuardFilter;
import io.opsplane.platform.request.StrictJsonConverter;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP edge both applications share: problem responses (also for what Tomcat refuses itself), strict
 * request bodies, request guards, API key authentication, per-key rate limits and concurrency caps, and
 * scope checks.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({EdgeProperties.class, RateLimitProperties.class, ConcurrencyProperties.class,
        StreamLimitProperties.class})
@Import({ProblemHandler.class, ProblemErrorController.class, ApiDocumentation.class})
public class PlatformWebConfiguration implements WebMvcConfigurer {

    /**
     * Served without a key, each with everything below it: liveness and readiness, the OpenAPI
     * document, Swagger UI, and the operator console, whose page is the root {@code /} (the root
     * alone, never what lies below it) and whose scripts and styles lie below {@code /console}. The
     * console holds no data: every request it makes carries the operator's key. Everything else is
     * authenticated first.
     */
    public static final List<String> PUBLIC_PATHS = List.of("/actuator/health", "/v3/api-docs", "/v3/api-docs.yaml",
            "/swagger-ui.html", "/swagger-ui", "/", "/console");
    /** Paths that answer with a stream that stays open; they count against the streams cap, not the requests cap. */
    static final Set<String> STREAM_PATHS = Set.of("/v1/events/stream");
    static final int CLIENT_TIMEOUT_MILLIS = 20_000;

    private final JsonMapper jsonMapper;

    PlatformWebConfiguration(JsonMapper jsonMapper) {
        this.jsonMapper = jsonMapper;
    }

    /** Stages that are complete when a handler returns them are answered at once (see the handler). */
    @Bean
    static BeanPostProcessor completedStageReturnValueHandlerInstaller() {
        return CompletedStageReturnValueHandler.installer();
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    ProblemWriter problemWriter(JsonMapper jsonMapper) {
        return new ProblemWriter(jsonMapper);
    }

    @Bean
    CredentialStore credentialStore(MongoTemplate mongo) {
        return new CredentialStore(mongo);
    }

    /** The key pepper, checked against the store before any key is issued or accepted. */
    @Bean
    KeyPepper keyPepper(@Value("${opsplane.security.key-pepper-file:${opsplane.data-dir:./data}/key-pepper}") Path file,
                        MongoTemplate mongo) {
        KeyPepper pepper = KeyPepper.fromFile(file);
        pepper.verifyAgainst(mongo, file);
        return pepper;
    }

    /** First of all, so that even the refusals of the filters after it are not cacheable. */
    @Bean
    FilterRegistrationBean<NoStoreFilter> noStoreFilter() {
        FilterRegistrationBean<NoStoreFilter> registration = new FilterRegistrationBean<>(new NoStoreFilter());
        registration.setOrder(5);
        return registration;
    }

    @Bean
    ApiKeyAuthenticator apiKeyAuthenticator(CredentialStore store, EventStore events, KeyPepper pepper,
                                            EdgeProperties properties, Clock clock) {
        return new ApiKeyAuthenticator(store, events, pepper, properties.credentialCacheTtl(), clock);
    }

    /** First of all filters: nothing runs for a request before its path is canonical and its key known. */
    @Bean
    FilterRegistrationBean<ApiKeyAuthenticationFilter> apiKeyAuthenticationFilter(ApiKeyAuthenticator authenticator,
                                                                                   ProblemWriter problems) {
        FilterRegistrationBean<ApiKeyAuthenticationFilter> registration = new FilterRegistrationBean<>(
                new ApiKeyAuthenticationFilter(authenticator, problems, PUBLIC_PATHS));
        registration.setOrder(10);
        return registration;
    }

    @Bean
    RateLimiter rateLimiter(MongoTemplate mongo, Clock clock, RateLimitProperties properties) {
        return new RateLimiter(mongo, clock, properties.maxCasAttempts(), properties.leaseMax());
    }

    /** After authentication (it needs the key), before the guards, so that their errors carry the headers. */
    @Bean
    FilterRegistrationBean<RateLimitFilter> rateLimitFilter(RateLimiter limiter, RateLimitProperties properties,
                                                            ProblemWriter problems, ObjectProvider<MeterRegistry> meters) {
        FilterRegistrationBean<RateLimitFilter> registration = new FilterRegistrationBean<>(
                new RateLimitFilter(limiter, properties.defaultLimit(), problems, meters.getIfAvailable()));
        registration.setOrder(15);
        return registration;
    }

    /** After the rate limit, so that a refused request still carries the {@code RateLimit-*} headers. */
    @Bean
    FilterRegistrationBean<ConcurrencyLimitFilter> concurrencyLimitFilter(ConcurrencyProperties concurrency,
                                                                          StreamLimitProperties streams,
                                                                          ProblemWriter problems) {
        FilterRegistrationBean<ConcurrencyLimitFilter> registration = new FilterRegistrationBean<>(
                new ConcurrencyLimitFilter(concurrency.perKey(), streams.perKey(), STREAM_PATHS, problems));
        registration.setOrder(16);
        return registration;
    }

    /**
     * Tomcat answers what it refuses before the application sees it (bad request lines, targets, headers) with
     * problem+json too: its host's error report valve is replaced, including the plain one Boot adds. A client gets
     * {@value #CLIENT_TIMEOUT_MILLIS} ms to send its request head (and each part of its body), as on the gateway.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
        return factory -> {
            factory.addConnectorCustomizers(connector ->
                    connector.setProperty("connectionTimeout", Integer.toString(CLIENT_TIMEOUT_MILLIS)));
            factory.addContextCustomizers(context -> {
                if (context.getParent() instanceof StandardHost host) {
                    host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                    for (Valve valve : host.getPipeline().getValves()) {
                        if (valve.getClass() == ErrorReportValve.class) {
                            host.getPipeline().removeValve(valve);
                        }
                    }
                }
            });
        };
    }

    @Bean
    FilterRegistrationBean<RequestGuardFilter> requestGuardFilter(EdgeProperties properties, ProblemWriter problems) {
        Map<String, MediaType> streaming = Map.of(
                "/v1/events/stream", MediaType.TEXT_EVENT_STREAM,
                "/v1/audit/export", MediaType.parseMediaType("application/x-ndjson"));
        FilterRegistrationBean<RequestGuardFilter> registration = new FilterRegistrationBean<>(
                new RequestGuardFilter(properties.maxBodyBytes(), streaming, problems));
        registration.setOrder(20);
        return registration;
    }

    /** Request bodies are read strictly (see {@link StrictJsonConverter}); responses as Boot's mapper writes them. */
    @Override
    public void configureMessageConverters(HttpMessageConverters.ServerBuilder converters) {
        converters.withJsonConverter(new StrictJsonConverter(jsonMapper));
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new ScopeInterceptor());
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new AuthenticatedKeyArgumentResolver());
    }
}
