package io.opsplane.api.execution;

import io.opsplane.api.audit.EventName;

/** One step of an orchestrating tool failed. */
@EventName("execution.step_failed")
public record ExecutionStepFailedEvent(String executionId, String step, ExecutionError error) {
}
