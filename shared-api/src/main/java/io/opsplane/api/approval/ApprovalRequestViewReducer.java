package io.opsplane.api.approval;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds approval events into an {@link ApprovalRequestView}. Pure, so a replayed projection equals
 * the live one and the command side's answer equals the query side's read.
 */
public final class ApprovalRequestViewReducer {

    private ApprovalRequestViewReducer() {
    }

    /**
     * Applies one event.
     *
     * @param current   the view so far; {@code null} before the first event
     * @param event     an approval event payload; other payloads leave the view unchanged
     * @param timestamp the event's timestamp, kept to the millisecond
     * @param position  the event's global position
     */
    public static ApprovalRequestView apply(ApprovalRequestView current, Object event, Instant timestamp,
                                            long position) {
        Instant at = timestamp.truncatedTo(ChronoUnit.MILLIS);
        if (event instanceof ApprovalRequestedEvent e) {
            return new ApprovalRequestView(e.requestId(), e.tool().name(), e.tool().version(), e.input(),
                    e.payloadHash(), e.plan(), e.reason(), ApprovalStatus.PENDING, e.requestedBy(), List.of(),
                    e.minApprovals(), null, e.expiresAt(), null, at, at, position);
        }
        if (current == null) {
            return null;
        }
        ApprovalRequestView v = current;
        if (event instanceof RequestApprovedEvent e) {
            List<Approval> approvals = new ArrayList<>(v.approvals());
            approvals.add(new Approval(e.by(), at, e.comment()));
            return with(v, e.quorumReached() ? ApprovalStatus.APPROVED : v.status(), List.copyOf(approvals),
                    v.rejection(), v.executionId(), at, position);
        }
        if (event instanceof RequestRejectedEvent e) {
            return with(v, ApprovalStatus.REJECTED, v.approvals(), new Rejection(e.by(), at, e.reason()),
                    v.executionId(), at, position);
        }
        if (event instanceof RequestCancelledEvent) {
            return with(v, ApprovalStatus.CANCELLED, v.approvals(), v.rejection(), v.executionId(), at, position);
        }
        if (event instanceof RequestExpiredEvent) {
            return with(v, ApprovalStatus.EXPIRED, v.approvals(), v.rejection(), v.executionId(), at, position);
        }
        if (event instanceof RequestExecutedEvent e) {
            return with(v, ApprovalStatus.EXECUTED, v.approvals(), v.rejection(), e.executionId(), at, position);
        }
        return current;
    }

    private static ApprovalRequestView with(ApprovalRequestView v, ApprovalStatus status, List<Approval> approvals,
                                            Rejection rejection, String executionId, Instant at, long position) {
        return new ApprovalRequestView(v.id(), v.tool(), v.toolVersion(), v.input(), v.payloadHash(), v.plan(),
                v.reason(), status, v.requestedBy(), approvals, v.minApprovals(), rejection, v.expiresAt(),
                executionId, v.createdAt(), at, position);
    }
}
