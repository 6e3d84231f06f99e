package io.opsplane.api.approval;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.execution.Plan;
import io.opsplane.api.execution.ToolRef;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.Map;

/**
 * Opens an approval request, pinning what may later run.
 *
 * @param input          the validated input, secrets redacted: what approvers see
 * @param payloadHash    {@code sha256:} over the canonical JSON of tool, tool version and redacted input
 * @param plan           the plan computed now, shown to approvers; its digest must match at execution
 * @param minApprovals   approvals needed, from the tool's policy for this input (at least 1)
 * @param expiresAt      when the request lapses unless executed
 * @param idempotencyKey the requester's Idempotency-Key, if any
 * @param requestHash    {@code sha256:} over tool, redacted input and reason, to detect idempotency key reuse
 */
public record RequestApprovalCommand(
        @TargetAggregateIdentifier String requestId,
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
