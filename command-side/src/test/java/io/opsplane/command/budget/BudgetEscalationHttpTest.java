package io.opsplane.command.budget;

import io.opsplane.command.support.Credentials;
import io.opsplane.command.support.JsonPost;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.opsplane.api.apikey.Scope;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.tool.ApprovalPolicy;
import io.opsplane.api.tool.RiskLevel;
import io.opsplane.command.CommandSideApplication;
import io.opsplane.command.tool.Schemas;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolContext;
import io.opsplane.command.tool.ToolDescriptor;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A budget with {@code action: escalate} over HTTP: an execution that would exceed it opens an
 * approval request instead of running, and once approved it runs and is charged past the limit.
 * {@code test.spend} needs no approval by its own policy; its budget is 100 per window.
 */
class BudgetEscalationHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final AtomicInteger RUNS = new AtomicInteger();

    @TempDir
    static Path dataDir;
    private static MongoServer store;
    private static ConfigurableApplicationContext app;
    private static String base;
    private static String adminKey;
    private static String requester;
    private static String approver;

    @BeforeAll
    static void start() throws Exception {
        store = new MongoServer(new MemoryBackend());
        String uri = "mongodb://127.0.0.1:" + store.bind().getPort() + "/opsplane";
        app = CommandSideApplication.builder()
                .initializers(context -> context.getBeanFactory().registerSingleton("spendTool", new SpendTool()))
                .run("--server.port=0", "--spring.mongodb.uri=" + uri, "--opsplane.data-dir=" + dataDir,
                        "--opsplane.budgets[0].tool=test.spend",
                        "--opsplane.budgets[0].amount=/amount",
                        "--opsplane.budgets[0].limit=100",
                        "--opsplane.budgets[0].window=P1D",
                        "--opsplane.budgets[0].action=escalate");
        base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        adminKey = Files.readString(dataDir.resolve("admin-key")).trim();
        Credentials.awaitProjected(app, adminKey);
        requester = issueKey("dave@example.com", "tools:execute\", \"approvals:request");
        approver = issueKey("bob@example.com", "approvals:approve");
    }

    @AfterAll
    static void stop() {
        app.close();
        store.shutdownNow();
    }

    @Test
    void anExecutionBeyondAnEscalateBudgetWaitsForOneApprovalThenRunsAndIsCharged() throws Exception {
        int runsBefore = RUNS.get();
        HttpResponse<String> within = execute(60, "Idempotency-Key", "within");
        assertThat(within.statusCode()).as(within.body()).isEqualTo(200);

        HttpResponse<String> beyond = execute(60, "Idempotency-Key", "beyond");
        assertThat(beyond.statusCode()).as(beyond.body()).isEqualTo(202);
        JsonNode pending = JSON.readTree(beyond.body());
        assertThat(pending.path("status").asText()).isEqualTo("pending_approval");
        String requestId = pending.path("approvalRequestId").asText();
        assertThat(beyond.headers().firstValue("Location")).hasValue("/v1/approval-requests/" + requestId);
        assertThat(JSON.readTree(execute(60, "Idempotency-Key", "beyond").body()).path("approvalRequestId").asText())
                .isEqualTo(requestId);
        assertThat(RUNS.get() - runsBefore).isEqualTo(1);
        // The escalated request charged nothing: the 40 left still fit.
        assertThat(execute(40, "Idempotency-Key", "rest").statusCode()).isEqualTo(200);
        assertThat(used()).isEqualTo(100_000_000L);

        HttpResponse<String> approved = call("/v1/approval-requests/" + requestId + "/approve", approver,
                "{\"comment\":\"one-off\"}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        JsonNode request = JSON.readTree(approved.body());
        assertThat(request.path("minApprovals").asInt()).isEqualTo(1);
        assertThat(request.path("status").asText()).isEqualTo("approved");

        HttpResponse<String> ran = call("/v1/approval-requests/" + requestId + "/execute", requester,
                "{\"input\":{\"amount\":60}}");
        assertThat(ran.statusCode()).as(ran.body()).isEqualTo(200);
        assertThat(JSON.readTree(ran.body()).path("status").asText()).isEqualTo("succeeded");
        assertThat(JSON.readTree(ran.body()).path("approvalRequestId").asText()).isEqualTo(requestId);
        assertThat(RUNS.get() - runsBefore).isEqualTo(3);
        assertThat(used()).isEqualTo(160_000_000L);

        HttpResponse<String> next = execute(1, "Idempotency-Key", "next");
        assertThat(next.statusCode()).as(next.body()).isEqualTo(202);
        // Escalation opens an approval request, so it needs a reason a person can judge.
        HttpResponse<String> noReason = call("/v1/executions", requester,
                "{\"tool\":\"test.spend\",\"input\":{\"amount\":1}}");
        assertThat(noReason.statusCode()).as(noReason.body()).isEqualTo(400);
        assertThat(JSON.readTree(noReason.body()).path("code").asText()).isEqualTo("invalid_input");
    }

    private static long used() {
        Document usage = app.getBean(MongoTemplate.class).getCollection(BudgetLedger.COLLECTION).find().first();
        assertThat(usage).isNotNull();
        return usage.get("used", Number.class).longValue();
    }

    private static HttpResponse<String> execute(int amount, String... headers) throws Exception {
        return call("/v1/executions", requester, "{\"tool\":\"test.spend\",\"input\":{\"amount\":" + amount
                + "},\"reason\":\"month-end refunds\"}", headers);
    }

    private static String issueKey(String principal, String scopes) throws Exception {
        String body = "{\"name\":\"" + principal + "\",\"principal\":\"" + principal + "\",\"kind\":\"human\","
                + "\"scopes\":[\"" + scopes + "\"]}";
        HttpResponse<String> response = call("/v1/api-keys", adminKey, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        String key = JSON.readTree(response.body()).path("key").asText();
        Credentials.awaitProjected(app, key);
        return key;
    }

    private static HttpResponse<String> call(String path, String key, String body, String... headers) throws Exception {
        return JsonPost.send(HTTP, base, path, key, body, headers);
    }

    /** A tool that needs no approval of its own; each run spends its input's amount. */
    private static final class SpendTool implements Tool {

        @Override
        public ToolDescriptor descriptor() {
            return new ToolDescriptor("test.spend", "1.0.0", "spends an amount", RiskLevel.MEDIUM, Scope.TOOLS_EXECUTE,
                    Schemas.parse("{\"type\":\"object\",\"properties\":{\"amount\":{\"type\":\"number\"}},"
                            + "\"required\":[\"amount\"],\"additionalProperties\":false}"),
                    Schemas.parse("{\"type\":\"object\"}"), true, true, false, false, List.of(),
                    ApprovalPolicy.none(), Duration.ofSeconds(5));
        }

        @Override
        public List<Effect> plan(JsonNode input) {
            return List.of(new Effect("test.spend", "ledger", "spends " + input.path("amount"), Map.of()));
        }

        @Override
        public Map<String, Object> run(JsonNode input, ToolContext context) {
            RUNS.incrementAndGet();
            return Map.of("spent", input.path("amount").asInt());
        }
    }
}
