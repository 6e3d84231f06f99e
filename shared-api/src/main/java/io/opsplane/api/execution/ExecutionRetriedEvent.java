package io.opsplane.api.execution;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.audit.EventName;

import java.util.Map;

/**
 * A failed execution was retried explicitly; a runner will resume it, skipping the steps that
 * already succeeded. Carries the tool and the recorded input so a runner needs nothing else.
 *
 * @param input the recorded input, secrets redacted
 * @param actor who asked for the retry
 */
@EventName("execution.retried")
public record ExecutionRetriedEvent(String executionId, ToolRef tool, Map<String, Object> input, Actor actor) {
}
