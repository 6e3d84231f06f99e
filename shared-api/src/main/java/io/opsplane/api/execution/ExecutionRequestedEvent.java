package io.opsplane.api.execution;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.audit.EventName;

import java.util.List;
import java.util.Map;

/**
 * A tool run was requested and accepted; a runner will pick it up.
 *
 * @param steps the steps an orchestrating tool will record, in order; empty (or absent in events
 *              stored before the field existed) for a tool without steps
 */
@EventName("execution.requested")
public record ExecutionRequestedEvent(
        String executionId,
        ToolRef tool,
        Map<String, Object> input,
        String reason,
        Actor actor,
        String idempotencyKey,
        String requestHash,
        String approvalRequestId,
        List<String> steps) {

    /** A request for a tool without steps. */
    public ExecutionRequestedEvent(String executionId, ToolRef tool, Map<String, Object> input, String reason,
                                   Actor actor, String idempotencyKey, String requestHash, String approvalRequestId) {
        this(executionId, tool, input, reason, actor, idempotencyKey, requestHash, approvalRequestId, List.of());
    }
}
