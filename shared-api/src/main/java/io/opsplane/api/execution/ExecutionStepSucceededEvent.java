package io.opsplane.api.execution;

import io.opsplane.api.audit.EventName;

import java.util.Map;

/** One step of an orchestrating tool succeeded; it is never repeated, not even on retry. */
@EventName("execution.step_succeeded")
public record ExecutionStepSucceededEvent(String executionId, String step, Map<String, Object> output) {
}
