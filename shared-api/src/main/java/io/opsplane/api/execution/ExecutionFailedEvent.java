package io.opsplane.api.execution;

import io.opsplane.api.audit.EventName;

/**
 * The tool failed; the execution may be retried explicitly.
 *
 * @param durationMs from the last start to this outcome
 */
@EventName("execution.failed")
public record ExecutionFailedEvent(String executionId, ExecutionError error, long durationMs) {
}
