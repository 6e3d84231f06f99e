package io.opsplane.api.approval;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.execution.Plan;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An approval request as clients see it, folded from its events by {@link ApprovalRequestViewReducer}
 * on both sides, so the command side's answers and the query side's reads have one shape.
 *
 * @param input       the pinned input, secrets redacted
 * @param approvals   approvals counted, in order
 * @param rejection   set once rejected
 * @param executionId set once executed: the one execution this request produced
 * @param updatedAt   when the last event was recorded
 * @param position    the global position of the last event folded in
 */
public record ApprovalRequestView(
        String id,
        String tool,
        String toolVersion,
        Map<String, Object> input,
        String payloadHash,
        Plan plan,
        String reason,
        ApprovalStatus status,
        Actor requestedBy,
        List<Approval> approvals,
        int minApprovals,
        Rejection rejection,
        Instant expiresAt,
        String executionId,
        Instant createdAt,
        Instant updatedAt,
        long position) {

    /** This view with the position of a later event. */
    public ApprovalRequestView atPosition(long newPosition) {
        return new ApprovalRequestView(id, tool, toolVersion, input, payloadHash, plan, reason, status, requestedBy,
                approvals, minApprovals, rejection, expiresAt, executionId, createdAt, updatedAt, newPosition);
    }
}
