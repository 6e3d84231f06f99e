package io.opsplane.api.execution;

/**
 * Why a tool or a step failed.
 *
 * @param code    a stable snake_case code, e.g. {@code unexpected_status} or {@code timeout}
 * @param message a human-readable explanation, free of secrets
 */
public record ExecutionError(String code, String message) {
}
