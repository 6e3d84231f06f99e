package io.opsplane.api.tool;

import java.util.List;
import java.util.Map;

/**
 * One tool as the catalogue publishes it and the registry endpoints show it.
 *
 * @param requiredScope     the scope executing it needs (planning needs {@code tools:plan})
 * @param inputSchema       JSON Schema 2020-12 of the input; secret properties carry {@code "writeOnly": true}
 * @param outputSchema      JSON Schema 2020-12 of the output
 * @param secretFields      JSON Pointers of secret input properties: never stored, logged or returned
 * @param available         whether it can be executed now (plans always work)
 * @param unavailableReason why not, e.g. a connector without credentials; {@code null} when available
 * @param timeoutMs         how long one attempt may run
 * @param schemaDigest      {@code sha256:} over the canonical input schema, recorded by every execution
 */
public record ToolSpec(
        String name,
        String version,
        String description,
        RiskLevel riskLevel,
        String requiredScope,
        Map<String, Object> inputSchema,
        Map<String, Object> outputSchema,
        boolean supportsPlan,
        boolean idempotent,
        ToolAnnotations annotations,
        ApprovalPolicy approval,
        List<String> secretFields,
        boolean available,
        String unavailableReason,
        long timeoutMs,
        String schemaDigest) {
}
