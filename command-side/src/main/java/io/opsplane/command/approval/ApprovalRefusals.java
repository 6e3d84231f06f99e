package io.opsplane.command.approval;

import io.opsplane.api.refusal.Refusal;
import io.opsplane.api.refusal.RefusalReason;

/**
 * The refusals of an approval request, each with its reason and the detail a person reads: who may act,
 * what state allows it, time. The aggregate throws them; the edge maps the reasons to answers
 * ({@code RefusalStatuses}).
 */
final class ApprovalRefusals {

    private ApprovalRefusals() {
    }

    static Refusal invalidState(String detail) {
        return new Refusal(RefusalReason.INVALID_STATE, detail);
    }

    static Refusal alreadyExecuted(String requestId, String executionId) {
        return new Refusal(RefusalReason.ALREADY_EXECUTED,
                "approval request " + requestId + " was already used by execution " + executionId);
    }

    static Refusal notApproved(String requestId, int approvals, int needed) {
        return new Refusal(RefusalReason.NOT_APPROVED, "approval request " + requestId
                + " has " + approvals + " of the " + needed + " approval(s) it needs");
    }

    static Refusal payloadMismatch() {
        return new Refusal(RefusalReason.PAYLOAD_MISMATCH,
                "the submitted tool, version or input does not hash to the approved payloadHash");
    }

    static Refusal planDrift() {
        return new Refusal(RefusalReason.PLAN_DRIFT,
                "planning this input now gives different effects than the plan that was approved");
    }

    static Refusal expired(String requestId) {
        return new Refusal(RefusalReason.APPROVAL_EXPIRED, "approval request " + requestId + " has expired");
    }

    static Refusal selfApproval() {
        return new Refusal(RefusalReason.SELF_APPROVAL,
                "the requester, or the owner of the requesting agent, cannot approve this request");
    }

    static Refusal agentCannotApprove() {
        return new Refusal(RefusalReason.AGENT_CANNOT_APPROVE, "an agent key never approves; a human must");
    }

    static Refusal alreadyApprovedByYou(String principal) {
        return new Refusal(RefusalReason.ALREADY_APPROVED_BY_YOU,
                principal + " has already approved this request; each principal counts once");
    }

    static Refusal notRequester(String action) {
        return new Refusal(RefusalReason.NOT_REQUESTER, "only the requester or an admin may " + action + " this request");
    }

    static Refusal reasonRequired() {
        return new Refusal(RefusalReason.REASON_REQUIRED, "is required");
    }
}
