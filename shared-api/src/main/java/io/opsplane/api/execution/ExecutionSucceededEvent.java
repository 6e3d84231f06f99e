package io.opsplane.api.execution;

import io.opsplane.api.audit.EventName;

import java.util.Map;

/**
 * The tool succeeded.
 *
 * @param durationMs from the last start to this outcome
 */
@EventName("execution.succeeded")
public record ExecutionSucceededEvent(String executionId, Map<String, Object> output, long durationMs) {
}
