package io.opsplane.command.budget;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.tool.RiskLevel;
import io.opsplane.command.support.CommandSideUnderTest;
import io.opsplane.command.tool.Schemas;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolContext;
import io.opsplane.command.tool.ToolDescriptor;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.mongodb.core.MongoTemplate;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.opsplane.command.support.CommandSideUnderTest.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A budget with {@code action: escalate} over HTTP: an execution that would exceed it opens an
 * approval request instead of running, and once approved it runs and is charged past the limit.
 * {@code test.spend} needs no approval by its own policy; its budget is 100 per window.
 */
class BudgetEscalationHttpTest {

    private static final AtomicInteger RUNS = new AtomicInteger();

    @TempDir
    static Path dataDir;
    private static CommandSideUnderTest app;
    private static String requester;
    private static String approver;

    @BeforeAll
    static void start() {
        app = CommandSideUnderTest.with(dataDir).bean("spendTool", new SpendTool()).start(
                "opsplane.budgets[0].tool=test.spend",
                "opsplane.budgets[0].amount=/amount",
                "opsplane.budgets[0].limit=100",
                "opsplane.budgets[0].window=P1D",
                "opsplane.budgets[0].action=escalate");
        requester = app.issueKey("dave@example.com", "tools:execute", "approvals:request");
        approver = app.issueKey("bob@example.com", "approvals:approve");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void anExecutionBeyondAnEscalateBudgetWaitsForOneApprovalThenRunsAndIsCharged() {
        int runsBefore = RUNS.get();
        HttpResponse<String> within = execute(60, "Idempotency-Key", "within");
        assertThat(within.statusCode()).as(within.body()).isEqualTo(200);

        HttpResponse<String> beyond = execute(60, "Idempotency-Key", "beyond");
        assertThat(beyond.statusCode()).as(beyond.body()).isEqualTo(202);
        JsonNode pending = json(beyond);
        assertThat(pending.path("status").asText()).isEqualTo("pending_approval");
        String requestId = pending.path("approvalRequestId").asText();
        assertThat(beyond.headers().firstValue("Location")).hasValue("/v1/approval-requests/" + requestId);
        assertThat(json(execute(60, "Idempotency-Key", "beyond")).path("approvalRequestId").asText())
                .isEqualTo(requestId);
        assertThat(RUNS.get() - runsBefore).isEqualTo(1);
        // The escalated request charged nothing: the 40 left still fit.
        assertThat(execute(40, "Idempotency-Key", "rest").statusCode()).isEqualTo(200);
        assertThat(used()).isEqualTo(100_000_000L);

        HttpResponse<String> approved = app.post("/v1/approval-requests/" + requestId + "/approve", approver, """
                {"comment": "one-off"}""");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        JsonNode request = json(approved);
        assertThat(request.path("minApprovals").asInt()).isEqualTo(1);
        assertThat(request.path("status").asText()).isEqualTo("approved");

        HttpResponse<String> ran = app.post("/v1/approval-requests/" + requestId + "/execute", requester, """
                {"input": {"amount": 60}}""");
        assertThat(ran.statusCode()).as(ran.body()).isEqualTo(200);
        assertThat(json(ran).path("status").asText()).isEqualTo("succeeded");
        assertThat(json(ran).path("approvalRequestId").asText()).isEqualTo(requestId);
        assertThat(RUNS.get() - runsBefore).isEqualTo(3);
        assertThat(used()).isEqualTo(160_000_000L);

        HttpResponse<String> next = execute(1, "Idempotency-Key", "next");
        assertThat(next.statusCode()).as(next.body()).isEqualTo(202);
        // Escalation opens an approval request, so it needs a reason a person can judge.
        HttpResponse<String> noReason = app.post("/v1/executions", requester, """
                {"tool": "test.spend", "input": {"amount": 1}}""");
        assertThat(noReason.statusCode()).as(noReason.body()).isEqualTo(400);
        assertThat(json(noReason).path("code").asText()).isEqualTo("invalid_input");
    }

    private static long used() {
        Document usage = app.bean(MongoTemplate.class).getCollection(BudgetLedger.COLLECTION).find().first();
        assertThat(usage).isNotNull();
        return usage.get("used", Number.class).longValue();
    }

    private static HttpResponse<String> execute(int amount, String... headers) {
        return app.post("/v1/executions", requester, """
                {"tool": "test.spend", "input": {"amount": %d}, "reason": "month-end refunds"}""".formatted(amount),
                headers);
    }

    /** A tool that needs no approval of its own; each run spends its input's amount. */
    private static final class SpendTool implements Tool {

        @Override
        public ToolDescriptor descriptor() {
            return ToolDescriptor.builder("test.spend")
                    .version("1.0.0")
                    .description("spends an amount")
                    .riskLevel(RiskLevel.MEDIUM)
                    .inputSchema(Schemas.parse("""
                            {"type": "object", "properties": {"amount": {"type": "number"}},
                             "required": ["amount"], "additionalProperties": false}"""))
                    .outputSchema(Schemas.parse("{\"type\":\"object\"}"))
                    .supportsPlan()
                    .idempotent()
                    .timeout(Duration.ofSeconds(5))
                    .build();
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
