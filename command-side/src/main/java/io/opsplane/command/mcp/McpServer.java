package io.opsplane.command.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpNotificationHandler;
import io.modelcontextprotocol.server.McpRequestHandler;
import io.modelcontextprotocol.spec.DefaultMcpStreamableServerSessionFactory;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.ProtocolVersions;
import io.opsplane.command.tool.ToolJson;
import io.opsplane.platform.auth.AuthenticatedKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Opsplane's MCP server, on the official SDK's Streamable HTTP transport and session machinery. The
 * SDK's ready-made server is not used because it shows one tool list to every session and checks
 * {@code structuredContent} against a tool's declared output; here a key sees only the tools its
 * scopes and patterns allow, and a call answers with the Execution. So this class gives the SDK's
 * sessions Opsplane's own handlers for {@code initialize}, {@code tools/*} and {@code resources/*}.
 *
 * <p>Each request carries the API key its HTTP request was authenticated with (see
 * {@link McpAuthenticationFilter}); handlers act as that key.
 */
class McpServer implements SmartLifecycle {

    static final String KEY = "io.opsplane/apiKey";
    static final String NOTIFICATION_CANCELLED = "notifications/cancelled";
    private static final Logger log = LoggerFactory.getLogger(McpServer.class);
    private static final Duration CLIENT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final String INSTRUCTIONS = """
            Opsplane runs registered operational tools under API-key scopes, approvals and an audit log. \
            Use opsplane.plan to see a tool's effects before you call it. Pass _meta "io.opsplane/idempotencyKey" \
            so that a retried call never runs twice, and _meta "io.opsplane/reason" to say why. A result with \
            status pending_approval means a person must approve it in Opsplane (never through MCP); follow it \
            with opsplane.approval and run it with opsplane.execute_approved. A running execution is followed \
            with opsplane.execution.""";

    private final McpStreamableServerTransportProvider transport;
    private final McpSchema.Implementation serverInfo;
    private volatile boolean running;

    McpServer(McpStreamableServerTransportProvider transport, McpToolCatalogue catalogue, McpToolCalls calls,
              McpResources resources, String version) {
        this.transport = transport;
        this.serverInfo = new McpSchema.Implementation("opsplane", "Opsplane", version);
        Map<String, McpRequestHandler<?>> requests = Map.of(
                McpSchema.METHOD_PING, (exchange, params) -> Mono.just(Map.of()),
                McpSchema.METHOD_TOOLS_LIST, (exchange, params) ->
                        Mono.fromCallable(() -> catalogue.page(keyOf(exchange), string(params, "cursor"))),
                McpSchema.METHOD_TOOLS_CALL, (exchange, params) ->
                        Mono.fromCallable(() -> calls.call(exchange, keyOf(exchange), params)),
                McpSchema.METHOD_RESOURCES_LIST, (exchange, params) -> Mono.fromCallable(resources::resources),
                McpSchema.METHOD_RESOURCES_TEMPLATES_LIST, (exchange, params) -> Mono.fromCallable(resources::templates),
                McpSchema.METHOD_RESOURCES_READ, (exchange, params) ->
                        Mono.fromCallable(() -> resources.read(string(params, "uri"), keyOf(exchange))));
        Map<String, McpNotificationHandler> notifications = Map.of(
                McpSchema.METHOD_NOTIFICATION_INITIALIZED, (exchange, params) -> Mono.empty(),
                McpSchema.METHOD_NOTIFICATION_ROOTS_LIST_CHANGED, (exchange, params) -> Mono.empty(),
                NOTIFICATION_CANCELLED, (exchange, params) -> {
                    // A started tool is not stopped: its target may have acted already. The execution is recorded.
                    log.debug("MCP session {} cancelled a request: {}", exchange.sessionId(), params);
                    return Mono.empty();
                });
        transport.setSessionFactory(new DefaultMcpStreamableServerSessionFactory(CLIENT_REQUEST_TIMEOUT,
                this::initialize, requests, notifications, sessionId -> Mono.empty()));
    }

    /** The highest protocol version both sides speak: the client's when this server knows it, else the newest. */
    private Mono<McpSchema.InitializeResult> initialize(McpSchema.InitializeRequest request) {
        List<String> supported = transport.protocolVersions();
        String version = supported.contains(request.protocolVersion()) ? request.protocolVersion()
                : (supported.contains(ProtocolVersions.MCP_2025_11_25) ? ProtocolVersions.MCP_2025_11_25
                : supported.get(supported.size() - 1));
        McpSchema.ServerCapabilities capabilities = McpSchema.ServerCapabilities.builder()
                .tools(true)
                .resources(false, false)
                .build();
        return Mono.just(new McpSchema.InitializeResult(version, capabilities, serverInfo, INSTRUCTIONS));
    }

    static AuthenticatedKey keyOf(McpAsyncServerExchange exchange) {
        if (exchange.transportContext().get(KEY) instanceof AuthenticatedKey key) {
            return key;
        }
        throw McpError.builder(McpSchema.ErrorCodes.INVALID_REQUEST).message("Unauthenticated request").build();
    }

    private static String string(Object params, String field) {
        JsonNode node = params == null ? null : ToolJson.MAPPER.valueToTree(params);
        if (node == null || node.isNull()) {
            return null;
        }
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw CallRequest.invalidParams("params." + field + " must be a string");
        }
        return value.asText();
    }

    @Override
    public void start() {
        running = true;
    }

    /** Ends open sessions (and their event streams) before the web server waits for requests in flight. */
    @Override
    public void stop() {
        running = false;
        transport.closeGracefully().block(Duration.ofSeconds(5));
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
