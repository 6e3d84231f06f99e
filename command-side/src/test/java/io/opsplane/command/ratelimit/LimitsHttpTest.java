package io.opsplane.command.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.opsplane.api.apikey.ApiKeyExpiredEvent;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.execution.ExecutionRetriedEvent;
import io.opsplane.api.tool.RiskLevel;
import io.opsplane.command.support.CommandSideUnderTest;
import io.opsplane.command.tool.Schemas;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolContext;
import io.opsplane.command.tool.ToolDescriptor;
import io.opsplane.command.tool.ToolFailure;
import io.opsplane.platform.auth.CredentialStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command side over HTTP with small limits: per-key rate limits and their headers, a per-tool
 * limit, a business budget, and the expiry sweeper recording {@code apikey.expired}.
 */
class LimitsHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A request every key may send that runs nothing: refused as invalid, but counted by the key's limit. */
    private static final String SIDEWAYS = """
            {"mode": "sideways"}""";

    @TempDir
    static Path dataDir;

    private static HttpServer target;
    private static CommandSideUnderTest app;
    private static String targetUrl;
    private static String adminKey;

    @BeforeAll
    static void start() throws Exception {
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        target.start();
        targetUrl = "http://127.0.0.1:" + target.getAddress().getPort();
        app = CommandSideUnderTest.with(dataDir).bean("failingTool", new FailingTool()).start(
                "opsplane.api-keys.expiry-sweep-interval=100ms",
                "opsplane.rate-limit.tools[0].name=service.healthcheck",
                "opsplane.rate-limit.tools[0].per-minute=1",
                "opsplane.rate-limit.tools[0].burst=3",
                "opsplane.rate-limit.tools[1].name=" + FailingTool.NAME,
                "opsplane.rate-limit.tools[1].per-minute=1",
                "opsplane.rate-limit.tools[1].burst=2",
                "opsplane.budgets[0].tool=service.healthcheck",
                "opsplane.budgets[0].per=/url",
                "opsplane.budgets[0].limit=2",
                "opsplane.budgets[0].window=PT1H");
        adminKey = app.adminKey();
        awaitAccepted(adminKey);
    }

    @AfterAll
    static void stop() {
        app.close();
        target.stop(0);
    }

    @Test
    void aKeysOwnLimitIsReportedOnEveryResponseAndEnforcedWithRetryAfter() throws Exception {
        JsonNode issued = issue("""
                {"name": "limited", "principal": "bot", "kind": "agent", "owner": "alice",
                 "scopes": ["tools:execute"], "rateLimit": {"perMinute": 60, "burst": 3}}""");
        String key = issued.path("key").asText();
        awaitAccepted(key);
        // awaitAccepted took one token; two are left, and 400s count and carry the headers too.
        HttpResponse<String> first = post("/v1/executions", key, SIDEWAYS);
        assertThat(first.statusCode()).isEqualTo(400);
        assertThat(first.headers().firstValue("RateLimit-Limit")).hasValue("60");
        assertThat(first.headers().firstValue("RateLimit-Remaining")).hasValue("1");
        assertThat(first.headers().firstValue("RateLimit-Reset")).isPresent();
        post("/v1/executions", key, SIDEWAYS);
        HttpResponse<String> refused = post("/v1/executions", key, SIDEWAYS);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(refused.body()).path("code").asText()).isEqualTo("rate_limited");
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.headers().firstValue("RateLimit-Remaining")).hasValue("0");
        assertThat(app.bean(MeterRegistry.class).get("opsplane.ratelimit.rejected")
                .tag("keyId", issued.path("id").asText()).counter().count()).isEqualTo(1.0);
    }

    @Test
    void unknownRoutesAndAdminCallsCarryTheHeadersOfTheDefaultLimit() throws Exception {
        HttpResponse<String> response = app.delete("/v1/no-such-thing", adminKey);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("RateLimit-Limit")).hasValue("3000");
        assertThat(response.headers().firstValue("RateLimit-Remaining")).isPresent();
    }

    @Test
    void aToolsBudgetAndItsRateLimitRefuseExecutionsBeyondThem() throws Exception {
        String body = """
                {"tool": "service.healthcheck", "input": {"url": "%s/a"}}""".formatted(targetUrl);
        assertThat(post("/v1/executions", adminKey, body).statusCode()).isEqualTo(200);
        assertThat(post("/v1/executions", adminKey, body).statusCode()).isEqualTo(200);
        HttpResponse<String> overBudget = post("/v1/executions", adminKey, body);
        assertThat(overBudget.statusCode()).as(overBudget.body()).isEqualTo(429);
        JsonNode problem = JSON.readTree(overBudget.body());
        assertThat(problem.path("code").asText()).isEqualTo("budget_exceeded");
        assertThat(problem.path("partition").asText()).isEqualTo(targetUrl + "/a");
        assertThat(overBudget.headers().firstValue("Retry-After")).isPresent();
        // Plans are not charged: they change nothing anywhere.
        assertThat(post("/v1/executions", adminKey, """
                {"mode": "plan", "tool": "service.healthcheck", "input": {"url": "%s/a"}}""".formatted(targetUrl))
                .statusCode()).isEqualTo(200);
        HttpResponse<String> overRate = post("/v1/executions", adminKey, """
                {"tool": "service.healthcheck", "input": {"url": "%s/b"}}""".formatted(targetUrl));
        assertThat(overRate.statusCode()).as(overRate.body()).isEqualTo(429);
        assertThat(JSON.readTree(overRate.body()).path("code").asText()).isEqualTo("rate_limited");
        assertThat(app.bean(MeterRegistry.class).get("opsplane.budget.exceeded")
                .tag("tool", "service.healthcheck").counter().count()).isEqualTo(1.0);
    }

    @Test
    void theSweeperRecordsTheExpiryOfAKeyOnceItsTimeHasCome() throws Exception {
        JsonNode issued = issue("""
                {"name": "short-lived", "principal": "carol", "kind": "human", "scopes": ["logs:read"],
                 "expiresAt": "%s"}""".formatted(Instant.now().plusMillis(1_500)));
        String keyId = issued.path("id").asText();
        EventStore events = app.bean(EventStore.class);
        Instant deadline = Instant.now().plusSeconds(20);
        boolean expired = false;
        while (!expired && Instant.now().isBefore(deadline)) {
            expired = events.readEvents(keyId).asStream()
                    .anyMatch(event -> event.getPayload() instanceof ApiKeyExpiredEvent);
            Thread.sleep(50);
        }
        assertThat(expired).isTrue();
        Instant recordedDeadline = Instant.now().plusSeconds(10);
        while (app.bean(CredentialStore.class).findById(keyId).orElseThrow().expiredAt() == null
                && Instant.now().isBefore(recordedDeadline)) {
            Thread.sleep(50);
        }
        assertThat(app.bean(CredentialStore.class).findById(keyId).orElseThrow().expiredAt()).isNotNull();
        assertThat(events.readEvents(keyId).asStream().filter(e -> e.getPayload() instanceof ApiKeyExpiredEvent)
                .count()).as("recorded once, however often the sweeper ran").isEqualTo(1);
    }

    /**
     * A retry is admitted as a new execution is (issue 11): the key's tool patterns, the original actor
     * compared in normal form, and the tool's own rate limit.
     */
    @Test
    void aRetryObeysTheKeysToolPatternsAndTheToolsRateLimit() throws Exception {
        String pat = issueKey("pat@example.com", "[]");
        String patBillingOnly = issueKey("pat@example.com", """
                ["billing.*"]""");
        String patShouting = issueKey(" PAT@Example.com", "[]");
        HttpResponse<String> failed = post("/v1/executions", pat, """
                {"tool": "%s"}""".formatted(FailingTool.NAME));
        JsonNode execution = JSON.readTree(failed.body());
        assertThat(execution.path("status").asText()).as(failed.body()).isEqualTo("failed");
        String retry = "/v1/executions/" + execution.path("executionId").asText() + "/retry";

        HttpResponse<String> outsidePatterns = post(retry, patBillingOnly, "");
        assertThat(outsidePatterns.statusCode()).as(outsidePatterns.body()).isEqualTo(403);
        assertThat(JSON.readTree(outsidePatterns.body()).path("code").asText()).isEqualTo("forbidden");

        HttpResponse<String> samePerson = post(retry, patShouting, "");
        assertThat(samePerson.statusCode()).as(samePerson.body()).isEqualTo(200);
        assertThat(JSON.readTree(samePerson.body()).path("status").asText()).isEqualTo("failed");

        // The tool's bucket held two: the execution took one, the retry the other.
        HttpResponse<String> overRate = post(retry, pat, "");
        assertThat(overRate.statusCode()).as(overRate.body()).isEqualTo(429);
        assertThat(JSON.readTree(overRate.body()).path("code").asText()).isEqualTo("rate_limited");
        assertThat(app.bean(EventStore.class).readEvents(execution.path("executionId").asText()).asStream()
                .filter(e -> e.getPayload() instanceof ExecutionRetriedEvent).count()).isEqualTo(1);
    }

    private static String issueKey(String principal, String tools) {
        return app.issueKey("""
                {"name": "retrier", "principal": "%s", "kind": "human", "scopes": ["tools:execute"], "tools": %s}"""
                .formatted(principal, tools));
    }

    /** A tool that always fails, so that its executions can be retried. */
    private static final class FailingTool implements Tool {

        static final String NAME = "test.failing";

        @Override
        public ToolDescriptor descriptor() {
            return ToolDescriptor.builder(NAME)
                    .version("1.0.0")
                    .description("always fails")
                    .riskLevel(RiskLevel.LOW)
                    .inputSchema(Schemas.parse("{\"type\":\"object\"}"))
                    .outputSchema(Schemas.parse("{\"type\":\"object\"}"))
                    .supportsPlan()
                    .idempotent()
                    .timeout(Duration.ofSeconds(5))
                    .build();
        }

        @Override
        public List<Effect> plan(JsonNode input) {
            return List.of(new Effect("test.fail", "nothing", "fails", Map.of()));
        }

        @Override
        public Map<String, Object> run(JsonNode input, ToolContext context) throws ToolFailure {
            throw new ToolFailure("always_fails", "this tool always fails");
        }
    }

    private static JsonNode issue(String body) throws Exception {
        HttpResponse<String> response = post("/v1/api-keys", adminKey, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }

    private static void awaitAccepted(String key) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            if (post("/v1/executions", key, SIDEWAYS).statusCode() != 401) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("key not accepted in time");
    }

    private static HttpResponse<String> post(String path, String key, String body) {
        return app.post(path, key, body);
    }
}
