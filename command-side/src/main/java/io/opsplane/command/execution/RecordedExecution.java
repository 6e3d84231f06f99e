package io.opsplane.command.execution;

import io.opsplane.api.execution.ExecutionView;

/**
 * An execution as its own event stream tells it, with the request hash that idempotency compares.
 *
 * @param runner the runner that started the current attempt; {@code null} when it was not started since it was
 *               requested or last retried
 */
public record RecordedExecution(ExecutionView view, String requestHash, String runner) {

    public RecordedExecution(ExecutionView view, String requestHash) {
        this(view, requestHash, null);
    }
}
