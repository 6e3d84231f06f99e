package io.opsplane.command.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.opsplane.platform.auth.ApiKeyAuthenticationFilter;
import io.opsplane.platform.problem.ProblemWriter;
import io.opsplane.platform.web.EdgeProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Map;

/**
 * The MCP server at {@code /mcp}: the SDK's Streamable HTTP servlet, Opsplane's handlers behind it,
 * and the API key check in front of it. The key filter runs just after the platform's own (order 10)
 * and before the per-key rate limit (order 15), which therefore counts MCP requests too.
 */
@Configuration(proxyBeanMethods = false)
class McpConfiguration {

    static final int FILTER_ORDER = 11;

    @Bean
    HttpServletStreamableServerTransportProvider mcpTransport(EdgeProperties edge, McpProperties properties) {
        return HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(TransportJson.mapper())
                .mcpEndpoint(McpAuthenticationFilter.PATH)
                .maxRequestSize((int) Math.min(edge.maxBodyBytes(), Integer.MAX_VALUE))
                .httpHeaderValidator(DefaultServerTransportSecurityValidator.builder()
                        .allowedOrigins(properties.allowedOrigins()).build())
                .contextExtractor(request -> request.getAttribute(ApiKeyAuthenticationFilter.ATTRIBUTE) == null
                        ? McpTransportContext.EMPTY
                        : McpTransportContext.create(Map.of(McpServer.KEY,
                        request.getAttribute(ApiKeyAuthenticationFilter.ATTRIBUTE))))
                .build();
    }

    @Bean
    McpServer mcpServer(HttpServletStreamableServerTransportProvider transport, McpToolCatalogue catalogue,
                        McpToolCalls calls, McpResources resources) {
        String version = McpServer.class.getPackage().getImplementationVersion();
        return new McpServer(transport, catalogue, calls, resources, version == null ? "dev" : version);
    }

    @Bean
    CatalogueWatch mcpCatalogueWatch(McpToolCatalogue catalogue, HttpServletStreamableServerTransportProvider transport,
                                     McpProperties properties) {
        return new CatalogueWatch(catalogue, transport, properties.catalogueCheckInterval());
    }

    @Bean
    ServletRegistrationBean<HttpServletStreamableServerTransportProvider> mcpServlet(
            HttpServletStreamableServerTransportProvider transport) {
        ServletRegistrationBean<HttpServletStreamableServerTransportProvider> registration =
                new ServletRegistrationBean<>(transport, McpAuthenticationFilter.PATH);
        registration.setName("mcp");
        registration.setAsyncSupported(true);
        registration.setLoadOnStartup(1);
        return registration;
    }

    @Bean
    FilterRegistrationBean<McpAuthenticationFilter> mcpAuthenticationFilter(ProblemWriter problems) {
        FilterRegistrationBean<McpAuthenticationFilter> registration =
                new FilterRegistrationBean<>(new McpAuthenticationFilter(problems));
        registration.addUrlPatterns(McpAuthenticationFilter.PATH, McpAuthenticationFilter.PATH + "/*");
        registration.setOrder(FILTER_ORDER);
        return registration;
    }
}
