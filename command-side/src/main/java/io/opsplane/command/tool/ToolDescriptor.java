package io.opsplane.command.tool;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsplane.api.apikey.Scope;

import java.time.Duration;
import java.util.List;

/**
 * Everything the registry tells about a tool: what agents discover, what the runtime enforces.
 *
 * @param inputSchema  JSON Schema 2020-12 of the input; secret properties carry {@code "writeOnly": true}
 * @param secretFields JSON Pointers of input properties that are secrets: never stored, logged or returned
 * @param timeout      how long one attempt may run before it fails with {@code timeout}
 */
public record ToolDescriptor(
        String name,
        String version,
        String description,
        RiskLevel riskLevel,
        Scope requiredScope,
        JsonNode inputSchema,
        JsonNode outputSchema,
        boolean supportsPlan,
        boolean idempotent,
        boolean readOnly,
        boolean destructive,
        List<String> secretFields,
        Duration timeout) {
}
