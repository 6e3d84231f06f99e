package io.opsplane.command.mcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code outputSchema} MCP tools declare. A call's {@code structuredContent} is the Execution
 * (the contract), and MCP clients check it against {@code outputSchema}, so a registry tool's
 * {@code outputSchema} is the Execution with the tool's own output schema, as the registry has it,
 * at {@code output}. Declaring the bare output schema instead would make every conforming client
 * reject every result.
 */
final class ResultSchemas {

    static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
    private static final List<String> STATUSES =
            List.of("planned", "pending_approval", "running", "succeeded", "failed", "unknown");

    private ResultSchemas() {
    }

    /** The Execution whose {@code output}, when there is one, matches {@code toolOutputSchema}. */
    static Map<String, Object> execution(Map<String, Object> toolOutputSchema) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("executionId", Map.of("type", "string"));
        properties.put("tool", Map.of("type", "string"));
        properties.put("status", Map.of("type", "string", "enum", STATUSES));
        properties.put("approvalRequestId", Map.of("type", List.of("string", "null")));
        Object output = toolOutputSchema == null ? Map.of() : embedded(toolOutputSchema);
        properties.put("output", Map.of("anyOf", List.of(output, Map.of("type", "null"))));
        return object(properties, List.of("status"));
    }

    /** An Execution with its timeline, as {@code opsplane.execution} answers. */
    static Map<String, Object> executionWithTimeline() {
        Map<String, Object> schema = execution(null);
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = new LinkedHashMap<>((Map<String, Object>) schema.get("properties"));
        properties.put("timeline", Map.of("type", "array", "items", Map.of("type", "object")));
        return object(properties, List.of("executionId", "status"));
    }

    /** An ApprovalRequest as the REST API shows it. */
    static Map<String, Object> approvalRequest() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("id", Map.of("type", "string"));
        properties.put("tool", Map.of("type", "string"));
        properties.put("status", Map.of("type", "string",
                "enum", List.of("pending", "approved", "rejected", "cancelled", "expired", "executed")));
        properties.put("minApprovals", Map.of("type", "integer"));
        properties.put("approvals", Map.of("type", "array"));
        return object(properties, List.of("id", "status"));
    }

    static Map<String, Object> object(Map<String, Object> properties, List<String> required) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", DIALECT);
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", required);
        return schema;
    }

    /**
     * A tool's schema placed inside another: {@code $schema} may only stand at a schema resource's
     * root, and a schema that refers into itself needs an {@code $id} of its own for its
     * {@code #/...} references to keep pointing at it.
     */
    private static Map<String, Object> embedded(Map<String, Object> schema) {
        Map<String, Object> copy = new LinkedHashMap<>(schema);
        copy.remove("$schema");
        if (!copy.containsKey("$id") && String.valueOf(schema).contains("$ref")) {
            copy.put("$id", "urn:opsplane:tool-output");
        }
        return copy;
    }
}
