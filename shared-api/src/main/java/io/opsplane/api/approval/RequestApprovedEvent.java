package io.opsplane.api.approval;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.audit.EventName;

/**
 * One approval was counted.
 *
 * @param approvals     approvals counted so far, this one included
 * @param quorumReached whether this approval made the request {@code approved}
 */
@EventName("approval.approved")
public record RequestApprovedEvent(String requestId, Actor by, String comment, int approvals,
                                   boolean quorumReached) {
}
