package io.opsplane.command.execution;

import io.opsplane.api.execution.ExecutionView;

/**
 * An execution as its own event stream tells it, with the request hash that idempotency compares.
 */
public record RecordedExecution(ExecutionView view, String requestHash) {
}
