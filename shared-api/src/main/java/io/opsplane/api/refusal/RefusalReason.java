package io.opsplane.api.refusal;

/**
 * Why the domain refused a command. Stable: the edge maps each reason to its answer (for HTTP a status, a
 * problem {@code code} and a title), so a new reason is added here and given its row there.
 */
public enum RefusalReason {

    /** The aggregate is not in a state that allows the command (approving a rejected request, retrying a success). */
    INVALID_STATE,
    /** A required reason (a free text, not this enum) is missing or blank; the detail says what is wrong with it. */
    REASON_REQUIRED,
    /** The actor may not do this to the request: only its requester, or an admin, may. */
    NOT_REQUESTER,
    /** An agent key tried to approve or reject; only people decide. */
    AGENT_CANNOT_APPROVE,
    /** The requester, or the human accountable for the requesting agent, tried to approve. */
    SELF_APPROVAL,
    /** This accountable principal has already approved the request. */
    ALREADY_APPROVED_BY_YOU,
    /** The request's time ran out. */
    APPROVAL_EXPIRED,
    /** The request's one execution has happened already. */
    ALREADY_EXECUTED,
    /** The request has not reached its quorum. */
    NOT_APPROVED,
    /** The submitted tool, version or input does not hash to the approved payload. */
    PAYLOAD_MISMATCH,
    /** Planning the approved payload now gives other effects than the approved plan. */
    PLAN_DRIFT,
    /** An agent key must name its owner, the human principal accountable for it. */
    AGENT_KEY_WITHOUT_OWNER,
    /** A human key answers for itself: it names no owner. */
    HUMAN_KEY_WITH_OWNER
}
