package io.opsplane.api.execution;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.audit.EventName;

import java.util.Map;

/** A tool run was requested and accepted; a runner will pick it up. */
@EventName("execution.requested")
public record ExecutionRequestedEvent(
        String executionId,
        ToolRef tool,
        Map<String, Object> input,
        String reason,
        Actor actor,
        String idempotencyKey,
        String requestHash,
        String approvalRequestId) {
}
