package io.opsplane.api.execution;

import io.opsplane.api.audit.EventName;

/**
 * A runner started the tool.
 *
 * @param attempt 1 for the first start; higher when an idempotent tool is resumed after a crash or retried
 */
@EventName("execution.started")
public record ExecutionStartedEvent(String executionId, String runner, int attempt) {
}
