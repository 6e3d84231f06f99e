package io.opsplane.api.approval;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.audit.EventName;
import io.opsplane.api.execution.Plan;
import io.opsplane.api.execution.ToolRef;

import java.time.Instant;
import java.util.Map;

/** An approval request was opened; what it pins is exactly what may run. Fields as in {@link RequestApprovalCommand}. */
@EventName("approval.requested")
public record ApprovalRequestedEvent(
        String requestId,
        ToolRef tool,
        Map<String, Object> input,
        String payloadHash,
        Plan plan,
        String reason,
        Actor requestedBy,
        int minApprovals,
        Instant expiresAt,
        String idempotencyKey,
        String requestHash) {
}
