package io.opsplane.command.tool;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A step record kept in memory, for tests that run a tool without the runner. */
public final class InMemorySteps implements ToolContext.StepLog {

    public final Map<String, Map<String, Object>> succeeded = new LinkedHashMap<>();
    public final Map<String, String> failed = new LinkedHashMap<>();

    public static ToolContext context(String executionId, InMemorySteps steps) {
        return new ToolContext(executionId, "opsplane-" + executionId, 1, steps);
    }

    @Override
    public Optional<Map<String, Object>> completed(String step) {
        return Optional.ofNullable(succeeded.get(step));
    }

    @Override
    public void succeeded(String step, Map<String, Object> output) {
        failed.remove(step);
        succeeded.put(step, output);
    }

    @Override
    public void failed(String step, ToolFailure failure) {
        failed.put(step, failure.code());
    }
}
