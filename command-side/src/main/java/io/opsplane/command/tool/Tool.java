package io.opsplane.command.tool;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsplane.api.execution.Effect;
import io.opsplane.platform.problem.InvalidInputException;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A registered operational task. Implementations are Spring beans; the registry is the only way
 * anything runs.
 */
public interface Tool {

    ToolDescriptor descriptor();

    /**
     * Why the tool cannot run now, e.g. its connector has no credentials; empty when it can. Plans
     * still work when it is unavailable; executions answer {@code 503 connector_unavailable}.
     */
    default Optional<String> unavailableReason() {
        return Optional.empty();
    }

    /**
     * The steps an orchestrating tool records through {@link ToolContext#step}, in order. Listed on
     * the execution as {@code pending} from the start, so that a failure shows what was not done.
     */
    default List<String> steps() {
        return List.of();
    }

    /**
     * Checks what a schema cannot express (for example a URL whose host resolves to a denied
     * network). Runs before anything is recorded.
     *
     * @throws InvalidInputException naming the offending field
     */
    default void checkInput(JsonNode input) {
    }

    /**
     * The effects running this input would have, computed without side effects on any target
     * (reads are allowed).
     */
    List<Effect> plan(JsonNode input) throws ToolFailure;

    /**
     * Runs the tool. Called outside any aggregate, by the runner, with secrets restored.
     *
     * @param context the execution id and the stable idempotency key to pass to providers
     * @return the output, matching the tool's output schema
     */
    Map<String, Object> run(JsonNode input, ToolContext context) throws ToolFailure;
}
