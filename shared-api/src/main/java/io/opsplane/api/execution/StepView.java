package io.opsplane.api.execution;

import java.time.Instant;
import java.util.Map;

/** One step of an execution as clients see it. */
public record StepView(String name, StepStatus status, Instant finishedAt, Map<String, Object> output,
                       ExecutionError error) {
}
