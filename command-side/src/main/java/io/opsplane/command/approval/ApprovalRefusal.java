package io.opsplane.command.approval;

import io.opsplane.platform.problem.ApiException;
import io.opsplane.platform.problem.InvalidInputException;

/**
 * Why an approval request refused a command, with its place in the contract: who may act (403),
 * what state allows it (409), time (410). The aggregate throws these; the problem handler renders them.
 */
final class ApprovalRefusal extends ApiException {

    private ApprovalRefusal(int status, String code, String title, String detail) {
        super(status, code, title, detail);
    }

    static ApprovalRefusal invalidState(String detail) {
        return new ApprovalRefusal(409, "invalid_state", "Invalid state", detail);
    }

    static ApprovalRefusal alreadyExecuted(String requestId, String executionId) {
        return new ApprovalRefusal(409, "already_executed", "Already executed",
                "approval request " + requestId + " was already used by execution " + executionId);
    }

    static ApprovalRefusal notApproved(String requestId, int approvals, int needed) {
        return new ApprovalRefusal(409, "not_approved", "Not approved", "approval request " + requestId
                + " has " + approvals + " of the " + needed + " approval(s) it needs");
    }

    static ApprovalRefusal payloadMismatch() {
        return new ApprovalRefusal(409, "payload_mismatch", "Payload mismatch",
                "the submitted tool, version or input does not hash to the approved payloadHash");
    }

    static ApprovalRefusal planDrift() {
        return new ApprovalRefusal(409, "plan_drift", "Plan drift",
                "planning this input now gives different effects than the plan that was approved");
    }

    static ApprovalRefusal expired(String requestId) {
        return new ApprovalRefusal(410, "approval_expired", "Approval expired",
                "approval request " + requestId + " has expired");
    }

    static ApprovalRefusal selfApproval() {
        return new ApprovalRefusal(403, "self_approval_forbidden", "Self-approval forbidden",
                "the requester, or the owner of the requesting agent, cannot approve this request");
    }

    static ApprovalRefusal agentCannotApprove() {
        return new ApprovalRefusal(403, "agent_cannot_approve", "Agents cannot approve",
                "an agent key never approves; a human must");
    }

    static ApprovalRefusal alreadyApprovedByYou(String principal) {
        return new ApprovalRefusal(409, "already_approved_by_you", "Already approved by you",
                principal + " has already approved this request; each principal counts once");
    }

    static ApprovalRefusal notRequester(String action) {
        return new ApprovalRefusal(403, "forbidden", "Forbidden",
                "only the requester or an admin may " + action + " this request");
    }

    static InvalidInputException reasonRequired() {
        return new InvalidInputException("/reason", "is required");
    }
}
