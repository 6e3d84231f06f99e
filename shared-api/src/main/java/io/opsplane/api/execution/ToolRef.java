package io.opsplane.api.execution;

/**
 * The exact tool an execution ran with.
 *
 * @param name         the registered tool name, e.g. {@code service.healthcheck}
 * @param version      the tool's version
 * @param schemaDigest {@code sha256:} over the canonical JSON of the tool's input schema
 * @param idempotent   whether running it twice with the same input has the effect of running it once
 * @param timeoutMs    how long one attempt may take before it fails with {@code timeout}
 */
public record ToolRef(String name, String version, String schemaDigest, boolean idempotent, long timeoutMs) {
}
