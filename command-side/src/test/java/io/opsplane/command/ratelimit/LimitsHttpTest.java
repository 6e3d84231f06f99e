package io.opsplane.command.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.micrometer.core.instrument.MeterRegistry;
import io.opsplane.api.apikey.ApiKeyExpiredEvent;
import io.opsplane.command.CommandSideApplication;
import io.opsplane.platform.auth.CredentialStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command side over HTTP with small limits: per-key rate limits and their headers, a per-tool
 * limit, a business budget, and the expiry sweeper recording {@code apikey.expired}.
 */
class LimitsHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dataDir;

    private static MongoServer store;
    private static HttpServer target;
    private static ConfigurableApplicationContext app;
    private static String base;
    private static String targetUrl;
    private static String adminKey;

    @BeforeAll
    static void start() throws Exception {
        store = new MongoServer(new MemoryBackend());
        InetSocketAddress storeAddress = store.bind();
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        target.start();
        targetUrl = "http://127.0.0.1:" + target.getAddress().getPort();
        app = CommandSideApplication.builder().run(
                "--server.port=0",
                "--spring.mongodb.uri=mongodb://127.0.0.1:" + storeAddress.getPort() + "/opsplane",
                "--opsplane.data-dir=" + dataDir,
                "--opsplane.api-keys.expiry-sweep-interval=100ms",
                "--opsplane.rate-limit.tools[0].name=service.healthcheck",
                "--opsplane.rate-limit.tools[0].per-minute=1",
                "--opsplane.rate-limit.tools[0].burst=3",
                "--opsplane.budgets[0].tool=service.healthcheck",
                "--opsplane.budgets[0].per=/url",
                "--opsplane.budgets[0].limit=2",
                "--opsplane.budgets[0].window=PT1H");
        base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        adminKey = Files.readString(dataDir.resolve("admin-key")).trim();
        awaitAccepted(adminKey);
    }

    @AfterAll
    static void stop() {
        app.close();
        target.stop(0);
        store.shutdownNow();
    }

    @Test
    void aKeysOwnLimitIsReportedOnEveryResponseAndEnforcedWithRetryAfter() throws Exception {
        JsonNode issued = issue("{\"name\":\"limited\",\"principal\":\"bot\",\"kind\":\"agent\",\"owner\":\"alice\","
                + "\"scopes\":[\"tools:execute\"],\"rateLimit\":{\"perMinute\":60,\"burst\":3}}");
        String key = issued.path("key").asText();
        awaitAccepted(key);
        // awaitAccepted took one token; two are left, and 400s count and carry the headers too.
        HttpResponse<String> first = post("/v1/executions", key, "{\"mode\":\"sideways\"}");
        assertThat(first.statusCode()).isEqualTo(400);
        assertThat(first.headers().firstValue("RateLimit-Limit")).hasValue("60");
        assertThat(first.headers().firstValue("RateLimit-Remaining")).hasValue("1");
        assertThat(first.headers().firstValue("RateLimit-Reset")).isPresent();
        post("/v1/executions", key, "{\"mode\":\"sideways\"}");
        HttpResponse<String> refused = post("/v1/executions", key, "{\"mode\":\"sideways\"}");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(refused.body()).path("code").asText()).isEqualTo("rate_limited");
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.headers().firstValue("RateLimit-Remaining")).hasValue("0");
        assertThat(app.getBean(MeterRegistry.class).get("opsplane.ratelimit.rejected")
                .tag("keyId", issued.path("id").asText()).counter().count()).isEqualTo(1.0);
    }

    @Test
    void unknownRoutesAndAdminCallsCarryTheHeadersOfTheDefaultLimit() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/v1/no-such-thing"))
                .header("Authorization", "Bearer " + adminKey).DELETE());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("RateLimit-Limit")).hasValue("3000");
        assertThat(response.headers().firstValue("RateLimit-Remaining")).isPresent();
    }

    @Test
    void aToolsBudgetAndItsRateLimitRefuseExecutionsBeyondThem() throws Exception {
        String body = "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"" + targetUrl + "/a\"}}";
        assertThat(post("/v1/executions", adminKey, body).statusCode()).isEqualTo(200);
        assertThat(post("/v1/executions", adminKey, body).statusCode()).isEqualTo(200);
        HttpResponse<String> overBudget = post("/v1/executions", adminKey, body);
        assertThat(overBudget.statusCode()).as(overBudget.body()).isEqualTo(429);
        JsonNode problem = JSON.readTree(overBudget.body());
        assertThat(problem.path("code").asText()).isEqualTo("budget_exceeded");
        assertThat(problem.path("partition").asText()).isEqualTo(targetUrl + "/a");
        assertThat(overBudget.headers().firstValue("Retry-After")).isPresent();
        // Plans are not charged: they change nothing anywhere.
        assertThat(post("/v1/executions", adminKey, body.replace("{\"tool\"", "{\"mode\":\"plan\",\"tool\""))
                .statusCode()).isEqualTo(200);
        HttpResponse<String> overRate = post("/v1/executions", adminKey,
                "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"" + targetUrl + "/b\"}}");
        assertThat(overRate.statusCode()).as(overRate.body()).isEqualTo(429);
        assertThat(JSON.readTree(overRate.body()).path("code").asText()).isEqualTo("rate_limited");
        assertThat(app.getBean(MeterRegistry.class).get("opsplane.budget.exceeded")
                .tag("tool", "service.healthcheck").counter().count()).isEqualTo(1.0);
    }

    @Test
    void theSweeperRecordsTheExpiryOfAKeyOnceItsTimeHasCome() throws Exception {
        JsonNode issued = issue("{\"name\":\"short-lived\",\"principal\":\"carol\",\"kind\":\"human\","
                + "\"scopes\":[\"logs:read\"],\"expiresAt\":\"" + Instant.now().plusMillis(1_500) + "\"}");
        String keyId = issued.path("id").asText();
        EventStore events = app.getBean(EventStore.class);
        Instant deadline = Instant.now().plusSeconds(20);
        boolean expired = false;
        while (!expired && Instant.now().isBefore(deadline)) {
            expired = events.readEvents(keyId).asStream()
                    .anyMatch(event -> event.getPayload() instanceof ApiKeyExpiredEvent);
            Thread.sleep(50);
        }
        assertThat(expired).isTrue();
        Instant recordedDeadline = Instant.now().plusSeconds(10);
        while (app.getBean(CredentialStore.class).findById(keyId).orElseThrow().expiredAt() == null
                && Instant.now().isBefore(recordedDeadline)) {
            Thread.sleep(50);
        }
        assertThat(app.getBean(CredentialStore.class).findById(keyId).orElseThrow().expiredAt()).isNotNull();
        assertThat(events.readEvents(keyId).asStream().filter(e -> e.getPayload() instanceof ApiKeyExpiredEvent)
                .count()).as("recorded once, however often the sweeper ran").isEqualTo(1);
    }

    private static JsonNode issue(String body) throws Exception {
        HttpResponse<String> response = post("/v1/api-keys", adminKey, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }

    private static void awaitAccepted(String key) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            if (post("/v1/executions", key, "{\"mode\":\"sideways\"}").statusCode() != 401) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("key not accepted in time");
    }

    private static HttpResponse<String> post(String path, String key, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
