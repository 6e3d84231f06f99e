package io.opsplane.api.execution;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.audit.EventName;

import java.util.Map;

/** A plan was computed and recorded; nothing ran. */
@EventName("execution.planned")
public record ExecutionPlannedEvent(
        String executionId,
        ToolRef tool,
        Map<String, Object> input,
        String reason,
        Actor actor,
        String idempotencyKey,
        String requestHash,
        Plan plan) {
}
