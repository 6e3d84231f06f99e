package io.opsplane.platform.problem;

import io.opsplane.api.refusal.Refusal;
import io.opsplane.api.refusal.RefusalReason;

import java.util.Optional;

/**
 * The one table from the domain's refusal reasons to the HTTP contract: status, problem {@code code} and
 * title. The domain refuses with a {@link RefusalReason}; the problem handler and the MCP door answer with
 * what this table says, so a reason's answer is changed here and nowhere else.
 */
public final class RefusalStatuses {

    private RefusalStatuses() {
    }

    /** The problem answering {@code refusal}, with the refusal's detail. */
    public static ApiException problemOf(Refusal refusal) {
        String detail = refusal.detail();
        return switch (refusal.reason()) {
            case INVALID_STATE -> new ApiException(409, "invalid_state", "Invalid state", detail);
            case REASON_REQUIRED -> new InvalidInputException("/reason", detail);
            case NOT_REQUESTER -> new ApiException(403, "forbidden", "Forbidden", detail);
            case AGENT_CANNOT_APPROVE -> new ApiException(403, "agent_cannot_approve", "Agents cannot approve", detail);
            case SELF_APPROVAL -> new ApiException(403, "self_approval_forbidden", "Self-approval forbidden", detail);
            case ALREADY_APPROVED_BY_YOU -> new ApiException(409, "already_approved_by_you", "Already approved by you",
                    detail);
            case APPROVAL_EXPIRED -> new ApiException(410, "approval_expired", "Approval expired", detail);
            case ALREADY_EXECUTED -> new ApiException(409, "already_executed", "Already executed", detail);
            case NOT_APPROVED -> new ApiException(409, "not_approved", "Not approved", detail);
            case PAYLOAD_MISMATCH -> new ApiException(409, "payload_mismatch", "Payload mismatch", detail);
            case PLAN_DRIFT -> new ApiException(409, "plan_drift", "Plan drift", detail);
            case AGENT_KEY_WITHOUT_OWNER, HUMAN_KEY_WITH_OWNER -> new InvalidInputException("/owner", detail);
        };
    }

    /**
     * The problem a failure stands for: the first {@link ApiException} or {@link Refusal} among its causes. A
     * command handler's exception may reach its sender wrapped (Axon's {@code CommandExecutionException}),
     * and the answer must be the same as when it arrives bare.
     */
    public static Optional<ApiException> problemIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ApiException problem) {
                return Optional.of(problem);
            }
            if (t instanceof Refusal refusal) {
                return Optional.of(problemOf(refusal));
            }
        }
        return Optional.empty();
    }
}
