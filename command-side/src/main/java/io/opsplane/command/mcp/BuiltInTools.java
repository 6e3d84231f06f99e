package io.opsplane.command.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.spec.McpSchema;
import io.opsplane.api.apikey.Scope;
import io.opsplane.command.tool.ToolJson;
import io.opsplane.command.tool.ToolRegistry;
import io.opsplane.platform.auth.AuthenticatedKey;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tools Opsplane itself offers over MCP, under the reserved {@code opsplane.} prefix. Each is
 * listed for keys holding one of its scopes. None of them approves anything: approving stays with
 * people, through the REST API or the console.
 */
enum BuiltInTools {

    PLAN("plan", "Plan a tool call",
            "Shows what calling a registry tool with this input would do (its effects and their digest) without"
                    + " touching any target system. The plan is recorded in the audit log.",
            Set.of(Scope.TOOLS_PLAN),
            schema(Map.of("tool", Map.of("type", "string", "minLength", 1,
                            "description", "the registry tool's name, e.g. billing.refund"),
                    "input", Map.of("type", "object", "description", "the input the tool would be called with")),
                    List.of("tool")),
            ResultSchemas.execution(null), true, false, true),
    EXECUTION("execution", "Read an execution",
            "The execution with this id and its timeline of events: poll it after a call answered with a running"
                    + " execution. A key without logs:read reads only executions its own principal started.",
            Set.of(Scope.LOGS_READ, Scope.TOOLS_EXECUTE, Scope.TOOLS_PLAN),
            schema(Map.of("executionId", Map.of("type", "string", "minLength", 1)), List.of("executionId")),
            ResultSchemas.executionWithTimeline(), true, false, true),
    APPROVAL("approval", "Read an approval request",
            "The approval request with this id: its status, the approvals so far and the number needed, its expiry."
                    + " People approve through Opsplane's console or API, never through this server.",
            Set.of(Scope.APPROVALS_REQUEST, Scope.APPROVALS_APPROVE, Scope.TOOLS_EXECUTE),
            schema(Map.of("approvalRequestId", Map.of("type", "string", "minLength", 1)),
                    List.of("approvalRequestId")),
            ResultSchemas.approvalRequest(), true, false, true),
    EXECUTE_APPROVED("execute_approved", "Run an approved request",
            "Runs an approved request once, with the input that was approved (secrets included: it must hash to the"
                    + " request's payloadHash). Only the requester may.",
            Set.of(Scope.TOOLS_EXECUTE),
            schema(Map.of("approvalRequestId", Map.of("type", "string", "minLength", 1),
                    "input", Map.of("type", "object")), List.of("approvalRequestId", "input")),
            ResultSchemas.execution(null), false, true, true);


    private final String name;
    private final String title;
    private final String description;
    private final Set<Scope> scopes;
    private final Map<String, Object> inputSchema;
    private final Map<String, Object> outputSchema;
    private final boolean readOnly;
    private final boolean destructive;
    private final boolean idempotent;

    BuiltInTools(String suffix, String title, String description, Set<Scope> scopes, Map<String, Object> inputSchema,
                 Map<String, Object> outputSchema, boolean readOnly, boolean destructive, boolean idempotent) {
        this.name = ToolRegistry.RESERVED_PREFIX + suffix;
        this.title = title;
        this.description = description;
        this.scopes = scopes;
        this.inputSchema = inputSchema;
        this.outputSchema = outputSchema;
        this.readOnly = readOnly;
        this.destructive = destructive;
        this.idempotent = idempotent;
    }

    String toolName() {
        return name;
    }

    /** The input schema as the validator reads it. */
    JsonNode inputSchemaNode() {
        return ToolJson.MAPPER.valueToTree(inputSchema);
    }

    static Optional<BuiltInTools> named(String name) {
        for (BuiltInTools tool : values()) {
            if (tool.name.equals(name)) {
                return Optional.of(tool);
            }
        }
        return Optional.empty();
    }

    boolean offeredTo(AuthenticatedKey key) {
        return scopes.stream().anyMatch(key::hasScope);
    }

    /** They act on Opsplane's own records only: never on the outside world. */
    McpSchema.Tool asMcpTool() {
        return McpSchema.Tool.builder()
                .name(name)
                .title(title)
                .description(description)
                .inputSchema(inputSchema)
                .outputSchema(outputSchema)
                .annotations(new McpSchema.ToolAnnotations(title, readOnly, destructive, idempotent, false, null))
                .build();
    }

    private static Map<String, Object> schema(Map<String, Object> properties, List<String> required) {
        Map<String, Object> schema = new LinkedHashMap<>(ResultSchemas.object(new LinkedHashMap<>(properties), required));
        schema.put("additionalProperties", false);
        return schema;
    }
}
