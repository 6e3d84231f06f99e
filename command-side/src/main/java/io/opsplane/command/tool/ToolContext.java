package io.opsplane.command.tool;

/**
 * What a running tool knows about its execution.
 *
 * @param executionId    the execution being run
 * @param idempotencyKey a key stable across retries of this execution, for providers that accept one
 * @param attempt        1 for the first run; higher when resumed
 */
public record ToolContext(String executionId, String idempotencyKey, int attempt) {

    /** A key stable across retries of one step of this execution. */
    public String stepKey(String step) {
        return idempotencyKey + ":" + step;
    }
}
