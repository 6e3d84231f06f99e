package io.opsplane.command.tool;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsplane.api.apikey.Scope;
import io.opsplane.api.tool.ApprovalPolicy;
import io.opsplane.api.tool.RiskLevel;

import java.time.Duration;
import java.util.List;

/**
 * Everything the registry tells about a tool: what agents discover, what the runtime enforces.
 *
 * @param requiredScope the scope executing it needs; planning always needs {@code tools:plan}
 * @param inputSchema   JSON Schema 2020-12 of the input; secret properties carry {@code "writeOnly": true}
 * @param outputSchema  JSON Schema 2020-12 of the output
 * @param idempotent    running it twice with the same input (and step keys) has the effect of running
 *                      it once, so a run interrupted by a crash may be resumed
 * @param secretFields  JSON Pointers of input properties that are secrets: never stored, logged or returned
 * @param approval      when executing it needs approval; {@code expiresAfter} null means the configured default
 * @param timeout       how long one attempt may run before it fails with {@code timeout}
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
        ApprovalPolicy approval,
        Duration timeout) {
}
