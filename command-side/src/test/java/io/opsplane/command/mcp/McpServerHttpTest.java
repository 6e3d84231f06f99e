package io.opsplane.command.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.tool.ApprovalPolicy;
import io.opsplane.api.tool.RiskLevel;
import io.opsplane.command.CommandSideApplication;
import io.opsplane.command.support.Credentials;
import io.opsplane.command.support.JsonPost;
import io.opsplane.command.tool.Schemas;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolContext;
import io.opsplane.command.tool.ToolDescriptor;
import io.opsplane.command.tool.ToolRegistry;
import io.opsplane.platform.auth.ApiKeyAuthenticator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The MCP server over HTTP against the embedded store, driven by the official Java SDK's own client
 * (McpClient over its Streamable HTTP transport), with test tools beside the catalogue:
 * {@code test.echo} (counts its runs), {@code test.gated} (always needs an approval),
 * {@code test.slow} (outlasts the call's wait) and {@code test.toggle} (its availability flips).
 */
class McpServerHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final AtomicInteger ECHO_RUNS = new AtomicInteger();
    private static final AtomicInteger GATED_RUNS = new AtomicInteger();
    private static final AtomicReference<String> TOGGLE_UNAVAILABLE = new AtomicReference<>();

    @TempDir
    static Path dataDir;
    private static MongoServer store;
    private static ConfigurableApplicationContext app;
    private static String base;
    private static String adminKey;
    private final List<McpSyncClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        store = new MongoServer(new MemoryBackend());
        String uri = "mongodb://127.0.0.1:" + store.bind().getPort() + "/opsplane";
        app = CommandSideApplication.builder()
                .initializers(context -> {
                    context.getBeanFactory().registerSingleton("echoTool", new EchoTool());
                    context.getBeanFactory().registerSingleton("gatedTool", new GatedTool());
                    context.getBeanFactory().registerSingleton("slowTool", new SlowTool());
                    context.getBeanFactory().registerSingleton("toggleTool", new ToggleTool());
                    context.getBeanFactory().registerSingleton("limitedTool", new LimitedTool());
                })
                .run("--server.port=0", "--spring.mongodb.uri=" + uri, "--opsplane.data-dir=" + dataDir,
                        "--opsplane.mcp.page-size=2", "--opsplane.mcp.call-wait=3s",
                        "--opsplane.mcp.progress-interval=500ms", "--opsplane.mcp.catalogue-check-interval=200ms",
                        "--opsplane.rate-limit.tools[0].name=test.limited", "--opsplane.rate-limit.tools[0].per-minute=1",
                        "--opsplane.rate-limit.tools[0].burst=1");
        base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        adminKey = Files.readString(dataDir.resolve("admin-key")).trim();
        Credentials.awaitProjected(app, adminKey);
    }

    @AfterAll
    static void stop() {
        app.close();
        store.shutdownNow();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(McpSyncClient::closeGracefully);
    }

    @Test
    void withoutAValidKeyTheAnswerIs401WithABearerChallenge() throws Exception {
        for (String key : new String[]{null, "ops_not_a_key"}) {
            HttpResponse<String> response = post(key, null, initializeBody());
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(JSON.readTree(response.body()).path("code").asText()).isEqualTo("unauthenticated");
        }
    }

    @Test
    void otherSpellingsOfThePathAreAuthenticatedToo() throws Exception {
        for (String path : new String[]{"/mcp;x=1", "/mcp/", "/mcp/tools", "/mcp/..;/mcp"}) {
            // A spelling that is not canonical is refused before authentication (400), any other needs a key.
            HttpResponse<String> anonymous = post(null, null, initializeBody(), path);
            assertThat(anonymous.statusCode()).as(path).isEqualTo(path.equals("/mcp/tools") ? 401 : 400);
            HttpResponse<String> authenticated = post(adminKey, null, initializeBody(), path);
            assertThat(authenticated.statusCode()).as(path).isEqualTo(path.equals("/mcp/tools") ? 404 : 400);
        }
    }

    @Test
    void listsTheToolsTheKeyMayUseInPagesWithTheRegistrysSchemasAndMappedAnnotations() {
        McpSyncClient client = client(adminKey);

        McpSchema.ListToolsResult first = client.listTools(null);
        assertThat(first.tools()).hasSize(2);
        assertThat(first.nextCursor()).isNotBlank();
        List<McpSchema.Tool> all = client.listTools().tools();
        assertThat(all).extracting(McpSchema.Tool::name).contains("opsplane.plan", "opsplane.execution",
                "opsplane.approval", "opsplane.execute_approved", "test.echo", "billing.refund", "service.healthcheck");
        assertThat(all).extracting(McpSchema.Tool::name).doesNotHaveDuplicates();

        ToolRegistry registry = app.getBean(ToolRegistry.class);
        McpSchema.Tool refund = named(all, "billing.refund");
        var refundSpec = registry.specOf(registry.find("billing.refund").orElseThrow());
        assertThat(JSON.valueToTree(refund.outputSchema()).at("/properties/output/anyOf/0/properties").toString())
                .isEqualTo(JSON.valueToTree(refundSpec.outputSchema()).path("properties").toString());
        assertThat(refund.annotations().readOnlyHint()).isEqualTo(refundSpec.annotations().readOnly());
        assertThat(refund.annotations().idempotentHint()).isEqualTo(refundSpec.idempotent());
        assertThat(refund.annotations().openWorldHint()).isTrue();
        assertThat(JSON.valueToTree(refund.outputSchema()).at("/properties/output/anyOf/0/properties"))
                .isEqualTo(JSON.valueToTree(refundSpec.outputSchema()).path("properties"));
        assertThat(named(all, "opsplane.plan").annotations().openWorldHint()).isFalse();
    }

    @Test
    void aKeySeesAndCallsOnlyTheToolsItsPatternsAndScopesAllow() throws Exception {
        String key = issueKey("agent:echo-only", "tools:execute", "[\"test.echo\"]").key();
        McpSyncClient client = client(key);

        assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactlyInAnyOrder(
                "opsplane.execution", "opsplane.approval", "opsplane.execute_approved", "test.echo");

        int gatedRuns = GATED_RUNS.get();
        McpSchema.CallToolResult outside = client.callTool(call("test.gated", Map.of("target", "db-1")).build());
        assertThat(outside.isError()).isTrue();
        assertThat(structured(outside).path("code").asText()).isEqualTo("forbidden");
        McpSchema.CallToolResult plan = client.callTool(call("opsplane.plan",
                Map.of("tool", "test.echo", "input", Map.of("count", 1))).build());
        assertThat(plan.isError()).isTrue();
        assertThat(structured(plan).path("code").asText()).isEqualTo("forbidden");
        assertThat(GATED_RUNS.get()).isEqualTo(gatedRuns);
    }

    @Test
    void aCallRunsTheToolAsRestWouldAndAnswersWithTheExecution() {
        McpSyncClient client = client(adminKey);
        int runs = ECHO_RUNS.get();

        McpSchema.CallToolResult result = client.callTool(call("test.echo", Map.of("count", 7))
                .meta(Map.of(CallRequest.REASON, "smoke test")).build());

        assertThat(result.isError()).as(text(result)).isFalse();
        JsonNode execution = structured(result);
        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(execution.path("output").path("count").asInt()).isEqualTo(7);
        assertThat(execution.path("reason").asText()).isEqualTo("smoke test");
        assertThat(execution.path("actor").path("keyId").asText()).isNotBlank();
        assertThat(text(result)).contains("test.echo succeeded");
        McpSchema.Tool echo = named(client.listTools().tools(), "test.echo");
        assertThat(new DefaultJsonSchemaValidator().validate(echo.outputSchema(), result.structuredContent()).valid())
                .as("the Execution matches the tool's declared outputSchema").isTrue();
        assertThat(ECHO_RUNS.get()).isEqualTo(runs + 1);
    }

    @Test
    void theSameIdempotencyKeyAnswersTheSameExecutionAndNeverRunsTwice() {
        McpSyncClient client = client(adminKey);
        int runs = ECHO_RUNS.get();
        Map<String, Object> meta = Map.of(CallRequest.IDEMPOTENCY_KEY, "mcp-repeat-1");

        JsonNode first = structured(client.callTool(call("test.echo", Map.of("count", 3)).meta(meta).build()));
        JsonNode again = structured(client.callTool(call("test.echo", Map.of("count", 3)).meta(meta).build()));
        McpSchema.CallToolResult reused = client.callTool(call("test.echo", Map.of("count", 4)).meta(meta).build());

        assertThat(again.path("executionId").asText()).isEqualTo(first.path("executionId").asText());
        assertThat(again.path("idempotencyKey").asText()).isEqualTo("mcp-repeat-1");
        assertThat(reused.isError()).isTrue();
        assertThat(structured(reused).path("code").asText()).isEqualTo("idempotency_key_reused");
        assertThat(ECHO_RUNS.get()).isEqualTo(runs + 1);

        McpSchema.CallToolResult badKey = client.callTool(call("test.echo", Map.of("count", 3))
                .meta(Map.of(CallRequest.IDEMPOTENCY_KEY, "has space")).build());
        assertThat(badKey.isError()).isTrue();
        assertThat(structured(badKey).path("code").asText()).isEqualTo("invalid_idempotency_key");
    }

    @Test
    void planShowsTheEffectsWithoutRunningTheTool() {
        McpSyncClient client = client(adminKey);
        int runs = ECHO_RUNS.get();

        McpSchema.CallToolResult result = client.callTool(call("opsplane.plan",
                Map.of("tool", "test.echo", "input", Map.of("count", 2))).build());

        assertThat(result.isError()).as(text(result)).isFalse();
        JsonNode plan = structured(result);
        assertThat(plan.path("status").asText()).isEqualTo("planned");
        assertThat(plan.path("plan").path("effects").get(0).path("target").asText()).isEqualTo("2");
        assertThat(plan.path("plan").path("digest").asText()).startsWith("sha256:");
        assertThat(ECHO_RUNS.get()).isEqualTo(runs);
    }

    @Test
    void anInputThatNeedsApprovalIsAPendingResultThatNoMcpCallCanApprove() {
        McpSyncClient client = client(adminKey);
        int runs = GATED_RUNS.get();

        McpSchema.CallToolResult result = client.callTool(call("test.gated", Map.of("target", "db-9"))
                .meta(Map.of(CallRequest.REASON, "rotate")).build());

        assertThat(result.isError()).as(text(result)).isFalse();
        JsonNode pending = structured(result);
        assertThat(pending.path("status").asText()).isEqualTo("pending_approval");
        String requestId = pending.path("approvalRequestId").asText();
        assertThat(requestId).isNotBlank();
        assertThat(pending.path("expiresAt").asText()).isNotBlank();
        assertThat(pending.path("minApprovals").asInt()).isEqualTo(1);
        assertThat(text(result)).contains("needs approval").contains(requestId);
        McpSchema.Tool gated = named(client.listTools().tools(), "test.gated");
        assertThat(new DefaultJsonSchemaValidator().validate(gated.outputSchema(), result.structuredContent()).valid())
                .isTrue();

        JsonNode request = structured(client.callTool(call("opsplane.approval",
                Map.of("approvalRequestId", requestId)).build()));
        assertThat(request.path("status").asText()).isEqualTo("pending");
        McpSchema.CallToolResult early = client.callTool(call("opsplane.execute_approved",
                Map.of("approvalRequestId", requestId, "input", Map.of("target", "db-9"))).build());
        assertThat(early.isError()).isTrue();
        assertThat(structured(early).path("code").asText()).isEqualTo("not_approved");
        assertThat(GATED_RUNS.get()).isEqualTo(runs);
    }

    @Test
    void onceAPersonApprovesTheAgentRunsTheRequestOnceThroughExecuteApproved() throws Exception {
        String agent = issueKey("agent:gated", "tools:execute", null).key();
        String approver = issueHumanKey("bob@example.com", "approvals:approve");
        McpSyncClient client = client(agent);
        int runs = GATED_RUNS.get();

        String requestId = structured(client.callTool(call("test.gated", Map.of("target", "db-7"))
                .meta(Map.of(CallRequest.REASON, "rotate")).build())).path("approvalRequestId").asText();
        HttpResponse<String> approved = JsonPost.send(HTTP, base, "/v1/approval-requests/" + requestId + "/approve",
                approver, "{\"comment\":\"ok\"}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);

        McpSchema.CallToolResult run = client.callTool(call("opsplane.execute_approved",
                Map.of("approvalRequestId", requestId, "input", Map.of("target", "db-7"))).build());
        assertThat(run.isError()).as(text(run)).isFalse();
        assertThat(structured(run).path("status").asText()).isEqualTo("succeeded");
        McpSchema.CallToolResult again = client.callTool(call("opsplane.execute_approved",
                Map.of("approvalRequestId", requestId, "input", Map.of("target", "db-7"))).build());
        assertThat(again.isError()).isTrue();
        assertThat(structured(again).path("code").asText()).isEqualTo("already_executed");
        assertThat(GATED_RUNS.get()).isEqualTo(runs + 1);
    }

    @Test
    void aToolsRateLimitRefusesTheCallAsRestWould() {
        McpSyncClient client = client(adminKey);

        McpSchema.CallToolResult first = client.callTool(call("test.limited", Map.of()).build());
        McpSchema.CallToolResult second = client.callTool(call("test.limited", Map.of()).build());

        assertThat(first.isError()).as(text(first)).isFalse();
        assertThat(second.isError()).isTrue();
        assertThat(structured(second).path("code").asText()).isEqualTo("rate_limited");
        assertThat(structured(second).path("status").asInt()).isEqualTo(429);
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndNothingRuns() {
        McpSyncClient client = client(adminKey);
        int runs = ECHO_RUNS.get();

        McpSchema.CallToolResult wrongType = client.callTool(call("test.echo", Map.of("count", "five")).build());
        assertThat(wrongType.isError()).isTrue();
        assertThat(structured(wrongType).path("code").asText()).isEqualTo("invalid_input");
        assertThat(structured(wrongType).path("errors").get(0).path("path").asText()).isEqualTo("/count");

        McpSchema.CallToolResult unknownField = client.callTool(call("opsplane.plan",
                Map.of("tool", "test.echo", "inputs", Map.of())).build());
        assertThat(unknownField.isError()).isTrue();
        assertThat(structured(unknownField).path("errors").toString()).contains("inputs");

        assertThatThrownBy(() -> client.callTool(call("no.such.tool", Map.of()).build()))
                .isInstanceOfSatisfying(McpError.class, e -> assertThat(e.getJsonRpcError().code())
                        .isEqualTo(McpSchema.ErrorCodes.INVALID_PARAMS));
        assertThat(ECHO_RUNS.get()).isEqualTo(runs);
    }

    @Test
    void aLongCallReportsProgressAndReturnsTheRunningExecutionWhichOpsplaneExecutionFollows() throws Exception {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        McpSyncClient client = client(adminKey, progress::add, tools -> {
        });

        McpSchema.CallToolResult result = client.callTool(call("test.slow", Map.of()).progressToken("slow-1").build());

        assertThat(result.isError()).as(text(result)).isFalse();
        JsonNode running = structured(result);
        assertThat(running.path("status").asText()).isEqualTo("running");
        assertThat(progress).isNotEmpty().allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("slow-1"));
        assertThat(progress).extracting(McpSchema.ProgressNotification::progress).isSorted();

        String id = running.path("executionId").asText();
        Instant deadline = Instant.now().plusSeconds(20);
        JsonNode followed;
        do {
            Thread.sleep(200);
            followed = structured(client.callTool(call("opsplane.execution", Map.of("executionId", id)).build()));
        } while (!followed.path("status").asText().equals("succeeded") && Instant.now().isBefore(deadline));
        assertThat(followed.path("status").asText()).isEqualTo("succeeded");
        assertThat(followed.path("timeline")).extracting(JsonNode::toString).asString()
                .contains("execution.requested").contains("execution.succeeded");

        McpSchema.ReadResourceResult resource = client.readResource(
                new McpSchema.ReadResourceRequest("opsplane://executions/" + id));
        JsonNode read = JSON.readTree(((McpSchema.TextResourceContents) resource.contents().get(0)).text());
        assertThat(read.path("executionId").asText()).isEqualTo(id);
        assertThat(client.listResourceTemplates().resourceTemplates()).extracting(McpSchema.ResourceTemplate::uriTemplate)
                .containsExactlyInAnyOrder("opsplane://executions/{id}", "opsplane://approval-requests/{id}");
    }

    @Test
    void aChangedCatalogueIsAnnouncedToOpenSessions() throws Exception {
        List<List<McpSchema.Tool>> announced = new CopyOnWriteArrayList<>();
        McpSyncClient client = client(adminKey, p -> {
        }, announced::add);
        client.listTools();

        TOGGLE_UNAVAILABLE.set("its credentials were withdrawn");
        try {
            Instant deadline = Instant.now().plusSeconds(15);
            while (announced.isEmpty() && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
            assertThat(announced).isNotEmpty();
            assertThat(named(announced.get(announced.size() - 1), "test.toggle").description())
                    .contains("its credentials were withdrawn");
        } finally {
            TOGGLE_UNAVAILABLE.set(null);
        }
    }

    @Test
    void aKeyRevokedMidSessionIsRefusedAndNothingRuns() throws Exception {
        IssuedKey issued = issueKey("agent:revoked", "tools:execute", null);
        McpSyncClient client = client(issued.key());
        assertThat(client.listTools().tools()).isNotEmpty();

        HttpResponse<String> revoked = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/api-keys/" + issued.id()))
                .header("Authorization", "Bearer " + adminKey).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).as(revoked.body()).isLessThan(300);
        ApiKeyAuthenticator authenticator = app.getBean(ApiKeyAuthenticator.class);
        Instant deadline = Instant.now().plusSeconds(10);
        while (authenticator.authenticate(issued.key()).isPresent() && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        int runs = ECHO_RUNS.get();

        assertThatThrownBy(() -> client.callTool(call("test.echo", Map.of("count", 1)).build()))
                .satisfies(e -> assertThat(statusOfAuthorizationFailure(e)).isEqualTo(401));
        assertThat(ECHO_RUNS.get()).isEqualTo(runs);
    }

    @Test
    void malformedJsonRpcABatchAndAnOversizedBodyAreRefusedWithoutA5xx() throws Exception {
        HttpResponse<String> malformed = post(adminKey, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");
        assertThat(malformed.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(malformed.body());
        assertThat(error.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(error.path("error").path("code").asInt()).isEqualTo(McpSchema.ErrorCodes.INVALID_REQUEST);
        assertThat(malformed.body()).doesNotContain("stackTrace");

        HttpResponse<String> batch = post(adminKey, null, "[" + initializeBody() + "," + initializeBody() + "]");
        assertThat(batch.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(batch.body()).path("error").path("code").asInt())
                .isEqualTo(McpSchema.ErrorCodes.INVALID_REQUEST);

        HttpResponse<String> oversized = post(adminKey, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\","
                + "\"params\":{\"pad\":\"" + "x".repeat(1_100_000) + "\"}}");
        assertThat(oversized.statusCode()).isEqualTo(413);

        HttpResponse<String> foreignSession = post(adminKey, "not-a-session", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        assertThat(foreignSession.statusCode()).isEqualTo(404);
    }

    @Test
    void aRequestFromAForeignBrowserOriginIsRefused() throws Exception {
        HttpResponse<String> foreign = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp"))
                .header("Authorization", "Bearer " + adminKey)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Origin", "http://attacker.example")
                .POST(HttpRequest.BodyPublishers.ofString(initializeBody())).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.headers().firstValue("Mcp-Session-Id")).isEmpty();
    }

    @Test
    void aSessionBelongsToTheKeyThatOpenedIt() throws Exception {
        HttpResponse<String> opened = post(adminKey, null, initializeBody());
        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
        String session = opened.headers().firstValue("Mcp-Session-Id").orElseThrow();
        String other = issueKey("agent:other", "tools:execute", null).key();

        HttpResponse<String> stolen = post(other, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        HttpResponse<String> owned = post(adminKey, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");

        assertThat(stolen.statusCode()).isEqualTo(404);
        assertThat(owned.statusCode()).isEqualTo(200);
        assertThat(owned.body()).contains("opsplane.plan");
    }

    /** The HTTP status behind the SDK client's authorization failure somewhere in the cause chain, or -1. */
    private static int statusOfAuthorizationFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof McpHttpClientTransportAuthorizationException refused) {
                return refused.getResponseInfo().statusCode();
            }
        }
        return -1;
    }

    private McpSyncClient client(String key) {
        return client(key, p -> {
        }, tools -> {
        });
    }

    private McpSyncClient client(String key, java.util.function.Consumer<McpSchema.ProgressNotification> progress,
                                 java.util.function.Consumer<List<McpSchema.Tool>> toolsChanged) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base)
                .endpoint("/mcp")
                .httpRequestCustomizer((request, method, endpoint, body, context) ->
                        request.header("Authorization", "Bearer " + key))
                .build();
        McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(30))
                .enableCallToolSchemaCaching(true)
                .progressConsumer(progress)
                .toolsChangeConsumer(toolsChanged)
                .build();
        clients.add(client);
        McpSchema.InitializeResult initialized = client.initialize();
        assertThat(initialized.protocolVersion()).isEqualTo("2025-11-25");
        return client;
    }

    private static McpSchema.CallToolRequest.Builder call(String tool, Map<String, Object> arguments) {
        return McpSchema.CallToolRequest.builder().name(tool).arguments(arguments);
    }

    private static McpSchema.Tool named(List<McpSchema.Tool> tools, String name) {
        return tools.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private static JsonNode structured(McpSchema.CallToolResult result) {
        return JSON.valueToTree(result.structuredContent());
    }

    private static String text(McpSchema.CallToolResult result) {
        return result.content().stream().filter(c -> c instanceof McpSchema.TextContent)
                .map(c -> ((McpSchema.TextContent) c).text()).findFirst().orElse("");
    }

    private static String initializeBody() {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
    }

    private static HttpResponse<String> post(String key, String session, String body) throws Exception {
        return post(key, session, body, "/mcp");
    }

    private static HttpResponse<String> post(String key, String session, String body, String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (session != null) {
            request.header("Mcp-Session-Id", session);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private record IssuedKey(String id, String key) {
    }

    private static IssuedKey issueKey(String principal, String scope, String tools) throws Exception {
        return issue("{\"name\":\"" + principal + "\",\"principal\":\"" + principal + "\",\"kind\":\"agent\","
                + "\"owner\":\"owner@example.com\",\"scopes\":[\"" + scope + "\"]"
                + (tools == null ? "" : ",\"tools\":" + tools) + "}");
    }

    private static String issueHumanKey(String principal, String scope) throws Exception {
        return issue("{\"name\":\"" + principal + "\",\"principal\":\"" + principal + "\",\"kind\":\"human\","
                + "\"scopes\":[\"" + scope + "\"]}").key();
    }

    private static IssuedKey issue(String body) throws Exception {
        HttpResponse<String> response = JsonPost.send(HTTP, base, "/v1/api-keys", adminKey, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode issued = JSON.readTree(response.body());
        Credentials.awaitProjected(app, issued.path("key").asText());
        return new IssuedKey(issued.path("id").asText(), issued.path("key").asText());
    }

    private abstract static class TestTool implements Tool {
        private final String name;
        private final String inputSchema;
        private final ApprovalPolicy approval;

        TestTool(String name, String inputSchema, ApprovalPolicy approval) {
            this.name = name;
            this.inputSchema = inputSchema;
            this.approval = approval;
        }

        @Override
        public ToolDescriptor descriptor() {
            return ToolDescriptor.builder(name)
                    .version("1.0.0")
                    .description("test tool " + name)
                    .riskLevel(RiskLevel.LOW)
                    .inputSchema(Schemas.parse(inputSchema))
                    .outputSchema(Schemas.parse("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
                            + "\"properties\":{\"count\":{\"type\":\"integer\"}}}"))
                    .supportsPlan()
                    .idempotent()
                    .approval(approval)
                    .timeout(Duration.ofSeconds(30))
                    .build();
        }

        @Override
        public List<Effect> plan(JsonNode input) {
            return List.of(new Effect("test.act", input.path("count").asText(input.path("target").asText("")),
                    "acts", Map.of()));
        }
    }

    private static final class EchoTool extends TestTool {
        EchoTool() {
            super("test.echo", "{\"type\":\"object\",\"properties\":{\"count\":{\"type\":\"integer\"},"
                    + "\"note\":{\"type\":\"string\"}},\"required\":[\"count\"],\"additionalProperties\":false}",
                    ApprovalPolicy.none());
        }

        @Override
        public Map<String, Object> run(JsonNode input, ToolContext context) {
            ECHO_RUNS.incrementAndGet();
            return Map.of("count", input.path("count").asInt());
        }
    }

    private static final class GatedTool extends TestTool {
        GatedTool() {
            super("test.gated", "{\"type\":\"object\",\"properties\":{\"target\":{\"type\":\"string\"}},"
                    + "\"required\":[\"target\"],\"additionalProperties\":false}", new ApprovalPolicy(true, 1, List.of(), null));
        }

        @Override
        public Map<String, Object> run(JsonNode input, ToolContext context) {
            GATED_RUNS.incrementAndGet();
            return Map.of("count", 1);
        }
    }

    private static final class SlowTool extends TestTool {
        SlowTool() {
            super("test.slow", "{\"type\":\"object\"}", ApprovalPolicy.none());
        }

        @Override
        public Map<String, Object> run(JsonNode input, ToolContext context) {
            try {
                Thread.sleep(4_500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Map.of("count", 1);
        }
    }

    private static final class LimitedTool extends TestTool {
        LimitedTool() {
            super("test.limited", "{\"type\":\"object\"}", ApprovalPolicy.none());
        }

        @Override
        public Map<String, Object> run(JsonNode input, ToolContext context) {
            return Map.of("count", 1);
        }
    }

    private static final class ToggleTool extends TestTool {
        ToggleTool() {
            super("test.toggle", "{\"type\":\"object\"}", ApprovalPolicy.none());
        }

        @Override
        public Optional<String> unavailableReason() {
            return Optional.ofNullable(TOGGLE_UNAVAILABLE.get());
        }

        @Override
        public Map<String, Object> run(JsonNode input, ToolContext context) {
            return Map.of("count", 0);
        }
    }
}
