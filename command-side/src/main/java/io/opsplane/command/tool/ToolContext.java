package io.opsplane.command.tool;

import java.util.Map;
import java.util.Optional;

/**
 * What a running tool knows about its execution, and how it runs recorded steps.
 *
 * @param executionId    the execution being run
 * @param idempotencyKey a key stable across retries of this execution, for providers that accept one
 * @param attempt        1 for the first run; higher when resumed or retried
 * @param steps          the execution's step record
 */
public record ToolContext(String executionId, String idempotencyKey, int attempt, StepLog steps) {

    /**
     * A key stable across retries of one step of this execution. It does not change with the
     * attempt on purpose: a step interrupted in flight must not be able to happen twice at a provider.
     */
    public String stepKey(String step) {
        return idempotencyKey + ":" + step;
    }

    /**
     * Runs one step exactly once across attempts: a step that already succeeded returns its recorded
     * output without running; otherwise its outcome is recorded before this returns or throws.
     */
    public Map<String, Object> step(String name, StepAction action) throws ToolFailure {
        Optional<Map<String, Object>> done = steps.completed(name);
        if (done.isPresent()) {
            return done.get();
        }
        Map<String, Object> output;
        try {
            output = action.run(stepKey(name));
        } catch (ToolFailure failure) {
            steps.failed(name, failure);
            throw failure;
        }
        steps.succeeded(name, output);
        return output;
    }

    /** The work of one step, given its stable idempotency key. */
    @FunctionalInterface
    public interface StepAction {
        Map<String, Object> run(String stepKey) throws ToolFailure;
    }

    /** Where steps are recorded; the runner records them as events of the execution. */
    public interface StepLog {

        /** The output of the step if it already succeeded in this execution. */
        Optional<Map<String, Object>> completed(String step);

        void succeeded(String step, Map<String, Object> output);

        void failed(String step, ToolFailure failure);
    }
}
