package io.opsplane.command.approval;

import io.opsplane.command.support.CommandSideUnderTest;
import io.opsplane.command.support.Credentials;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.approval.ApprovalRequestView;
import io.opsplane.api.approval.ExecuteRequestCommand;
import io.opsplane.api.approval.RequestExecutedEvent;
import io.opsplane.api.approval.RequestExpiredEvent;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.execution.ExecutionRequestedEvent;
import io.opsplane.api.execution.ExecutionSucceededEvent;
import io.opsplane.api.tool.ApprovalPolicy;
import io.opsplane.api.tool.RiskLevel;
import io.opsplane.command.tool.Schemas;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolContext;
import io.opsplane.command.tool.ToolDescriptor;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The approval lifecycle over HTTP against the embedded store, with two test tools registered
 * beside the catalogue: {@code test.drift}, whose plan reads a value the test changes (a target
 * whose state moves between approval and execution), and {@code test.brief}, whose approvals
 * expire after one second.
 */
class ApprovalHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicReference<String> TARGET_STATE = new AtomicReference<>("v1");
    private static final AtomicInteger RUNS = new AtomicInteger();

    @TempDir
    static Path dataDir;
    private static CommandSideUnderTest app;
    private static String agent;
    private static String alice;
    private static String bob;
    private static String bobSecondKey;
    private static String carol;
    private static String dave;
    private static String otherAgent;
    private static final List<String> approvers = new ArrayList<>();

    @BeforeAll
    static void start() {
        app = CommandSideUnderTest.with(dataDir)
                .bean("driftTool", new TestTool("test.drift", 2, null))
                .bean("briefTool", new TestTool("test.brief", 1, "PT1S"))
                .start("opsplane.approvals.expiry.expiry-sweep-interval=200ms");
        agent = app.issueKey("""
                {"name": "agent:bot", "principal": "agent:bot", "kind": "agent", "owner": "alice@example.com",
                 "scopes": ["tools:execute", "approvals:request"]}""");
        otherAgent = app.issueKey("""
                {"name": "agent:other", "principal": "agent:other", "kind": "agent", "owner": "carol@example.com",
                 "scopes": ["approvals:approve"]}""");
        alice = app.issueKey("alice@example.com", "approvals:approve");
        bob = app.issueKey("bob@example.com", "approvals:approve");
        bobSecondKey = app.issueKey("bob@example.com", "approvals:approve");
        carol = app.issueKey("carol@example.com", "approvals:approve");
        dave = app.issueKey("dave@example.com", "approvals:request", "tools:execute");
        for (int i = 0; i < 4; i++) {
            approvers.add(app.issueKey("approver" + i + "@example.com", "approvals:approve"));
        }
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void anAgentsExecutionWaitsForTwoPrincipalsThenRunsOnceWithThePinnedPayload() throws Exception {
        int runsBefore = RUNS.get();
        HttpResponse<String> pending = call("/v1/executions", agent,
                """
                {"tool": "test.drift", "input": {"target": "db-1"}, "reason": "rotate"}""",
                "Idempotency-Key", "lifecycle-1");
        assertThat(pending.statusCode()).as(pending.body()).isEqualTo(202);
        JsonNode execution = JSON.readTree(pending.body());
        String id = execution.path("approvalRequestId").asText();
        assertThat(execution.path("status").asText()).isEqualTo("pending_approval");
        assertThat(pending.headers().firstValue("Location")).hasValue("/v1/approval-requests/" + id);

        HttpResponse<String> again = call("/v1/executions", agent,
                """
                {"tool": "test.drift", "input": {"target": "db-1"}, "reason": "rotate"}""",
                "Idempotency-Key", "lifecycle-1");
        assertThat(JSON.readTree(again.body()).path("approvalRequestId").asText()).isEqualTo(id);
        assertCode(call("/v1/executions", agent,
                """
                {"tool": "test.drift", "input": {"target": "db-2"}, "reason": "rotate"}""",
                "Idempotency-Key", "lifecycle-1"), 422, "idempotency_key_reused");

        assertCode(approve(id, alice), 403, "self_approval_forbidden");
        assertCode(approve(id, otherAgent), 403, "agent_cannot_approve");
        assertCode(execute(id, agent, """
                {"target": "db-1"}"""), 409, "not_approved");
        HttpResponse<String> first = approve(id, bob);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(JSON.readTree(first.body()).path("status").asText()).isEqualTo("pending");
        assertCode(approve(id, bobSecondKey), 409, "already_approved_by_you");
        HttpResponse<String> second = approve(id, carol);
        JsonNode approved = JSON.readTree(second.body());
        assertThat(approved.path("status").asText()).isEqualTo("approved");
        assertThat(approved.path("approvals")).hasSize(2);
        assertThat(approved.path("plan").path("digest").asText()).startsWith("sha256:");
        assertThat(approved.path("payloadHash").asText()).startsWith("sha256:");

        assertCode(execute(id, agent, """
                {"target": "db-666"}"""), 409, "payload_mismatch");
        assertCode(execute(id, dave, """
                {"target": "db-1"}"""), 403, "forbidden");
        HttpResponse<String> ran = execute(id, agent, """
                {"target": "db-1"}""");
        assertThat(ran.statusCode()).as(ran.body()).isEqualTo(200);
        JsonNode result = JSON.readTree(ran.body());
        assertThat(result.path("status").asText()).isEqualTo("succeeded");
        assertThat(result.path("approvalRequestId").asText()).isEqualTo(id);
        assertThat(result.path("executionId").asText()).isEqualTo(execution.path("executionId").asText());
        assertCode(execute(id, agent, """
                {"target": "db-1"}"""), 409, "already_executed");
        assertCode(call("/v1/approval-requests/" + id + "/reject", carol, """
                {"reason": "late"}"""), 409,
                "invalid_state");
        assertThat(RUNS.get() - runsBefore).isEqualTo(1);
        assertThat(app.bean(ApprovalRequests.class).get(id).executionId())
                .isEqualTo(result.path("executionId").asText());
    }

    @Test
    void aPlanWhoseEffectsChangedAfterApprovalIsNotExecuted() throws Exception {
        String id = openAndApprove("""
                {"target": "db-drift"}""");
        int runsBefore = RUNS.get();
        TARGET_STATE.set("v2");
        try {
            assertCode(execute(id, dave, """
                {"target": "db-drift"}"""), 409, "plan_drift");
        } finally {
            TARGET_STATE.set("v1");
        }
        assertThat(RUNS.get()).isEqualTo(runsBefore);
        assertThat(app.bean(ApprovalRequests.class).get(id).status().wireName()).isEqualTo("approved");
    }

    @Test
    void anExpiredRequestRefusesAtOnceAndItsExpiryIsRecorded() throws Exception {
        HttpResponse<String> created = call("/v1/approval-requests", dave,
                """
                {"tool": "test.brief", "input": {"target": "db-3"}, "reason": "quick"}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).path("id").asText();
        Instant expiresAt = Instant.parse(JSON.readTree(created.body()).path("expiresAt").asText());
        while (!Instant.now().isAfter(expiresAt.plusMillis(50))) {
            Thread.sleep(50);
        }

        assertCode(approve(id, bob), 410, "approval_expired");
        assertCode(execute(id, dave, """
                {"target": "db-3"}"""), 410, "approval_expired");
        Instant deadline = Instant.now().plusSeconds(20);
        while (events(id).stream().noneMatch(RequestExpiredEvent.class::isInstance)) {
            assertThat(Instant.now()).as("expiry recorded in time").isBefore(deadline);
            Thread.sleep(50);
        }
        assertThat(app.bean(ApprovalRequests.class).get(id).status().wireName()).isEqualTo("expired");
        assertThat(events(id)).hasSize(2);
    }

    @Test
    void requesterCancelsAndNobodyElseMay() throws Exception {
        HttpResponse<String> created = call("/v1/approval-requests", dave,
                """
                {"tool": "test.drift", "input": {"target": "db-4"}, "reason": "maybe"}""");
        String id = JSON.readTree(created.body()).path("id").asText();

        assertCode(call("/v1/approval-requests/" + id + "/cancel", bob, "{}"), 403, "forbidden");
        HttpResponse<String> cancelled = call("/v1/approval-requests/" + id + "/cancel", dave, "{}");
        assertThat(JSON.readTree(cancelled.body()).path("status").asText()).isEqualTo("cancelled");
        assertCode(approve(id, bob), 409, "invalid_state");
        assertCode(call("/v1/approval-requests", dave, """
                {"tool": "test.drift", "input": {"target": "x"}}"""), 400,
                "invalid_input");
        assertCode(call("/v1/approval-requests/apr_missing/approve", bob, "{}"), 404, "approval_request_not_found");
    }

    /**
     * A key limited to other tools neither decides on, cancels nor runs a request, even one of its own
     * principal's (issue 11): {@code 403 forbidden}, as using the tool would be.
     */
    @Test
    void aKeyLimitedToOtherToolsCannotActOnARequest() throws Exception {
        String id = openAndApprove("""
                {"target": "db-patterns"}""");
        String daveEmailOnly = app.issueKey("""
                {"name": "dave@example.com", "principal": "dave@example.com", "kind": "human",
                 "scopes": ["approvals:request", "tools:execute"], "tools": ["email.*"]}""");
        String carolEmailOnly = app.issueKey("""
                {"name": "carol@example.com", "principal": "carol@example.com", "kind": "human",
                 "scopes": ["approvals:approve"], "tools": ["email.*"]}""");

        assertCode(call("/v1/approval-requests/" + id + "/cancel", daveEmailOnly, "{}"), 403, "forbidden");
        assertCode(execute(id, daveEmailOnly, """
                {"target": "db-patterns"}"""), 403, "forbidden");
        assertCode(call("/v1/approval-requests/" + id + "/reject", carolEmailOnly, """
                {"reason": "no"}"""), 403,
                "forbidden");
        assertThat(app.bean(ApprovalRequests.class).get(id).status().wireName()).isEqualTo("approved");
    }

    /**
     * One person is one approver, whatever the spelling of the principal their keys were issued with
     * (issue 11): keys are issued in normal form, so two keys of {@code erin@example.com} make one approval.
     */
    @Test
    void onePersonWithTwoSpellingsOfTheirPrincipalCannotMeetAQuorumOfTwo() throws Exception {
        HttpResponse<String> issued = call("/v1/api-keys", app.adminKey(), """
                {"name": "erin", "principal": " ERIN@Example.com", "kind": "human", "scopes": ["approvals:approve"]}""");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        assertThat(JSON.readTree(issued.body()).path("principal").asText()).isEqualTo("erin@example.com");
        String erinShouting = JSON.readTree(issued.body()).path("key").asText();
        Credentials.awaitProjected(app.context(), erinShouting);
        String erin = app.issueKey("erin@example.com", "approvals:approve");
        HttpResponse<String> agentKey = call("/v1/api-keys", app.adminKey(), """
                {"name": "erin-bot", "principal": "agent:erin-bot", "kind": "agent", "owner": "Erin@EXAMPLE.com ",
                 "scopes": ["approvals:request"]}""");
        assertThat(JSON.readTree(agentKey.body()).path("owner").asText()).isEqualTo("erin@example.com");

        HttpResponse<String> created = call("/v1/approval-requests", dave,
                """
                {"tool": "test.drift", "input": {"target": "db-erin"}, "reason": "quorum"}""");
        String id = JSON.readTree(created.body()).path("id").asText();
        assertThat(approve(id, erin).statusCode()).isEqualTo(200);
        assertCode(approve(id, erinShouting), 409, "already_approved_by_you");
        assertThat(app.bean(ApprovalRequests.class).get(id).status().wireName()).isEqualTo("pending");
    }

    /**
     * Twenty concurrent approve, reject and execute calls on a request one approval short of its
     * quorum, repeated: each round ends in one consistent outcome and at most one execution.
     */
    @Test
    void concurrentDecisionsEndInOneOutcomeAndAtMostOneExecution() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        int executedRounds = 0;
        int runsBefore = RUNS.get();
        try {
            for (int round = 0; round < 15; round++) {
                HttpResponse<String> created = call("/v1/approval-requests", dave,
                        """
                        {"tool": "test.drift", "input": {"target": "race-%d"}, "reason": "race"}""".formatted(round));
                String id = JSON.readTree(created.body()).path("id").asText();
                assertThat(approve(id, bob).statusCode()).isEqualTo(200);
                String input = """
                        {"target": "race-%d"}""".formatted(round);
                CountDownLatch go = new CountDownLatch(1);
                List<Callable<String>> calls = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    int n = i;
                    calls.add(() -> {
                        go.await();
                        HttpResponse<String> r = switch (n % 3) {
                            case 0 -> approve(id, approvers.get(n % approvers.size()));
                            case 1 -> call("/v1/approval-requests/" + id + "/reject", approvers.get(n % approvers.size()),
                                    """
                                    {"reason": "no"}""");
                            default -> execute(id, dave, input);
                        };
                        return (n % 3) + ":" + r.statusCode() + ":" + JSON.readTree(r.body()).path("code").asText("");
                    });
                }
                List<Future<String>> futures = new ArrayList<>();
                calls.forEach(c -> futures.add(pool.submit(c)));
                go.countDown();
                List<String> outcomes = new ArrayList<>();
                for (Future<String> f : futures) {
                    outcomes.add(f.get());
                }
                long executed = outcomes.stream().filter(o -> o.startsWith("2:200")).count();
                long rejected = outcomes.stream().filter(o -> o.startsWith("1:200")).count();
                assertThat(outcomes).as("no server error").noneMatch(o -> o.split(":")[1].startsWith("5"));
                assertThat(executed).as(outcomes.toString()).isLessThanOrEqualTo(1);
                assertThat(rejected).as(outcomes.toString()).isLessThanOrEqualTo(1);
                assertThat(executed + rejected).as(outcomes.toString()).isLessThanOrEqualTo(1);
                String status = app.bean(ApprovalRequests.class).get(id).status().wireName();
                List<Object> stream = events(id);
                long executedEvents = stream.stream().filter(RequestExecutedEvent.class::isInstance).count();
                List<Object> execution = events(ApprovalRequests.executionIdFor(id));
                if (executed == 1) {
                    assertThat(status).isEqualTo("executed");
                    assertThat(executedEvents).isEqualTo(1);
                    assertThat(execution.stream().filter(ExecutionRequestedEvent.class::isInstance)).hasSize(1);
                    executedRounds++;
                } else {
                    assertThat(status).isIn(rejected == 1 ? List.of("rejected") : List.of("pending", "approved"));
                    assertThat(executedEvents).isZero();
                    assertThat(execution).isEmpty();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(RUNS.get() - runsBefore).isEqualTo(executedRounds);
    }

    /**
     * The crash window of {@code /execute}: {@code approval.executed} is recorded (here straight through
     * the aggregate, as a process that died right after its claim leaves it) and nobody requests the
     * execution. The tracking processor requests it, once; redelivering the event creates no second one.
     */
    @Test
    void anExecutedRequestWhoseExecutionWasNeverRequestedGetsExactlyOneExecution() throws Exception {
        String id = openAndApprove("""
                {"target": "db-crash"}""");
        int runsBefore = RUNS.get();
        ApprovalRequestView request = app.bean(ApprovalRequests.class).get(id);
        String executionId = ApprovalRequests.executionIdFor(id);
        Actor executor = new Actor("key-of-dave", "dave@example.com", ActorKind.HUMAN, null);
        app.bean(CommandGateway.class).sendAndWait(new ExecuteRequestCommand(id, executor, false,
                request.payloadHash(), request.plan().digest(), executionId, Instant.now()));

        awaitEvent(executionId, ExecutionSucceededEvent.class);
        List<Object> execution = events(executionId);
        assertThat(execution.stream().filter(ExecutionRequestedEvent.class::isInstance)).hasSize(1);
        ExecutionRequestedEvent requested = (ExecutionRequestedEvent) execution.get(0);
        assertThat(requested.approvalRequestId()).isEqualTo(id);
        assertThat(requested.input()).isEqualTo(Map.of("target", "db-crash"));
        assertThat(requested.tool().version()).isEqualTo(request.toolVersion());
        assertThat(RUNS.get() - runsBefore).isEqualTo(1);

        RequestExecutedEvent recorded = (RequestExecutedEvent) events(id).stream()
                .filter(RequestExecutedEvent.class::isInstance).findFirst().orElseThrow();
        app.bean(ApprovedExecutions.class).on(recorded);
        assertThat(events(executionId)).isEqualTo(execution);
        assertCode(execute(id, dave, """
                {"target": "db-crash"}"""), 409, "already_executed");
        assertThat(events(executionId)).isEqualTo(execution);
    }

    private static void awaitEvent(String aggregateId, Class<?> type) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(20);
        while (events(aggregateId).stream().noneMatch(type::isInstance)) {
            assertThat(Instant.now()).as(type.getSimpleName() + " recorded for " + aggregateId).isBefore(deadline);
            Thread.sleep(20);
        }
    }

    private static String openAndApprove(String input) throws Exception {
        HttpResponse<String> created = call("/v1/approval-requests", dave,
                """
                {"tool": "test.drift", "input": %s, "reason": "because"}""".formatted(input));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).isPresent();
        String id = JSON.readTree(created.body()).path("id").asText();
        assertThat(approve(id, bob).statusCode()).isEqualTo(200);
        assertThat(approve(id, carol).statusCode()).isEqualTo(200);
        return id;
    }

    private static List<Object> events(String aggregateId) {
        return app.bean(EventStore.class).readEvents(aggregateId).asStream()
                .map(m -> (Object) m.getPayload()).toList();
    }

    private static HttpResponse<String> approve(String id, String key) throws Exception {
        return call("/v1/approval-requests/" + id + "/approve", key, """
                {"comment": "looks right"}""");
    }

    private static HttpResponse<String> execute(String id, String key, String input) throws Exception {
        return call("/v1/approval-requests/" + id + "/execute", key, """
                {"input": %s}""".formatted(input));
    }

    private static void assertCode(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).path("code").asText()).isEqualTo(code);
    }

    private static HttpResponse<String> call(String path, String key, String body, String... headers) {
        return app.post(path, key, body, headers);
    }

    /** A tool that always needs approval; its plan names the target's current state. */
    private record TestTool(String name, int approvals, String expiresAfter) implements Tool {

        @Override
        public ToolDescriptor descriptor() {
            return ToolDescriptor.builder(name)
                    .version("1.0.0")
                    .description("test tool needing approval")
                    .riskLevel(RiskLevel.HIGH)
                    .inputSchema(Schemas.parse("""
                            {"type": "object", "properties": {"target": {"type": "string"}},
                             "required": ["target"], "additionalProperties": false}"""))
                    .outputSchema(Schemas.parse("""
                {"type": "object"}"""))
                    .supportsPlan()
                    .idempotent()
                    .destructive()
                    .approval(new ApprovalPolicy(true, approvals, List.of(), expiresAfter))
                    .timeout(Duration.ofSeconds(5))
                    .build();
        }

        @Override
        public List<Effect> plan(JsonNode input) {
            String target = input.path("target").asText();
            return List.of(new Effect("test.act", target, "acts on " + target + " in state " + TARGET_STATE.get(),
                    Map.of()));
        }

        @Override
        public Map<String, Object> run(JsonNode input, ToolContext context) {
            RUNS.incrementAndGet();
            return Map.of("done", true);
        }
    }
}
