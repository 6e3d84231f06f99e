package io.opsplane.command.approval;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.approval.ApprovalRequestedEvent;
import io.opsplane.api.approval.ApprovalStatus;
import io.opsplane.api.approval.ApproveRequestCommand;
import io.opsplane.api.approval.CancelRequestCommand;
import io.opsplane.api.approval.ExecuteRequestCommand;
import io.opsplane.api.approval.ExpireRequestCommand;
import io.opsplane.api.approval.RejectRequestCommand;
import io.opsplane.api.approval.RequestApprovalCommand;
import io.opsplane.api.approval.RequestApprovedEvent;
import io.opsplane.api.approval.RequestCancelledEvent;
import io.opsplane.api.approval.RequestExecutedEvent;
import io.opsplane.api.approval.RequestExpiredEvent;
import io.opsplane.api.approval.RequestRejectedEvent;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * One approval request: pins a payload hash, a plan digest, a quorum and an expiry, counts
 * approvals per accountable principal, and lets the approved payload run exactly once. Single use
 * rests on this aggregate's stream: two executes that load the same state cannot both append, the
 * store's unique (aggregate, sequence) index lets one win.
 */
@Aggregate
class ApprovalRequest {

    @AggregateIdentifier
    private String requestId;
    private ApprovalStatus status;
    private Actor requestedBy;
    private String payloadHash;
    private String planDigest;
    private int minApprovals;
    private Instant expiresAt;
    /** The accountable principals that approved, in normal form: one person counts once, whichever key they used. */
    private final Set<String> approvedBy = new HashSet<>();
    private String executionId;

    ApprovalRequest() {
    }

    @CommandHandler
    ApprovalRequest(RequestApprovalCommand command) {
        if (isBlank(command.reason())) {
            throw ApprovalRefusals.reasonRequired();
        }
        apply(new ApprovalRequestedEvent(command.requestId(), command.tool(), command.input(), command.payloadHash(),
                command.plan(), command.reason(), command.requestedBy(), Math.max(1, command.minApprovals()),
                command.expiresAt(), command.idempotencyKey(), command.requestHash()));
    }

    /**
     * Counts one approval. Who may approve is decided before the state, so that an agent or the
     * requester learns the rule that refuses them whatever the request's state.
     */
    @CommandHandler
    void handle(ApproveRequestCommand command) {
        Actor approver = command.approver();
        if (isAgent(approver)) {
            throw ApprovalRefusals.agentCannotApprove();
        }
        if (isRequesterSide(approver)) {
            throw ApprovalRefusals.selfApproval();
        }
        refuseIfExpired(command.at());
        if (!isPending()) {
            throw ApprovalRefusals.invalidState("only a pending request can be approved; " + describe());
        }
        if (hasApproved(approver)) {
            throw ApprovalRefusals.alreadyApprovedByYou(approver.accountablePrincipal());
        }
        int approvals = approvedBy.size() + 1;
        apply(new RequestApprovedEvent(requestId, approver, command.comment(), approvals, approvals >= minApprovals));
    }

    @CommandHandler
    void handle(RejectRequestCommand command) {
        if (isBlank(command.reason())) {
            throw ApprovalRefusals.reasonRequired();
        }
        if (isAgent(command.rejecter())) {
            throw ApprovalRefusals.agentCannotApprove();
        }
        refuseIfExpired(command.at());
        if (!isPending()) {
            throw ApprovalRefusals.invalidState("only a pending request can be rejected; " + describe());
        }
        apply(new RequestRejectedEvent(requestId, command.rejecter(), command.reason()));
    }

    @CommandHandler
    void handle(CancelRequestCommand command) {
        if (!command.admin() && !isRequester(command.by())) {
            throw ApprovalRefusals.notRequester("cancel");
        }
        refuseIfExpired(command.at());
        if (!isOpen()) {
            throw ApprovalRefusals.invalidState("only a pending or approved request can be cancelled; " + describe());
        }
        apply(new RequestCancelledEvent(requestId, command.by(), command.reason()));
    }

    /**
     * Every command-side instance sweeps, and again after a restart: a request that already ended
     * (expired, executed, rejected, cancelled) records nothing. Sending it early is a bug in the sender.
     */
    @CommandHandler
    void handle(ExpireRequestCommand command) {
        if (!isOpen()) {
            return;
        }
        if (!isExpired(command.asOf())) {
            throw ApprovalRefusals.invalidState("approval request " + requestId + " does not expire before "
                    + expiresAt);
        }
        apply(new RequestExpiredEvent(requestId, expiresAt, "not executed before " + expiresAt));
    }

    @CommandHandler
    void handle(ExecuteRequestCommand command) {
        if (!command.admin() && !isRequester(command.by())) {
            throw ApprovalRefusals.notRequester("execute");
        }
        if (wasExecuted()) {
            throw ApprovalRefusals.alreadyExecuted(requestId, executionId);
        }
        refuseIfExpired(command.at());
        if (isPending()) {
            throw ApprovalRefusals.notApproved(requestId, approvedBy.size(), minApprovals);
        }
        if (!isApproved()) {
            throw ApprovalRefusals.invalidState("only an approved request can be executed; " + describe());
        }
        if (!payloadHash.equals(command.payloadHash())) {
            throw ApprovalRefusals.payloadMismatch();
        }
        if (!Objects.equals(planDigest, command.planDigest())) {
            throw ApprovalRefusals.planDrift();
        }
        apply(new RequestExecutedEvent(requestId, command.by(), command.executionId()));
    }

    private void refuseIfExpired(Instant now) {
        if (status == ApprovalStatus.EXPIRED || (isOpen() && isExpired(now))) {
            throw ApprovalRefusals.expired(requestId);
        }
    }

    private boolean isExpired(Instant now) {
        return now != null && !now.isBefore(expiresAt);
    }

    private boolean isPending() {
        return status == ApprovalStatus.PENDING;
    }

    private boolean isApproved() {
        return status == ApprovalStatus.APPROVED;
    }

    private boolean isOpen() {
        return !status.isFinal();
    }

    private boolean wasExecuted() {
        return status == ApprovalStatus.EXECUTED;
    }

    private static boolean isAgent(Actor actor) {
        return actor.kind() == ActorKind.AGENT;
    }

    /**
     * The requester, or the human accountable for the requesting agent. Principals are compared in normal
     * form, also those recorded before keys were issued with normalised principals.
     */
    private boolean isRequesterSide(Actor approver) {
        String principal = approver.accountablePrincipal();
        return principal.equals(requestedBy.normalisedName()) || principal.equals(requestedBy.accountablePrincipal());
    }

    private boolean isRequester(Actor actor) {
        return actor.normalisedName().equals(requestedBy.normalisedName());
    }

    private boolean hasApproved(Actor approver) {
        return approvedBy.contains(approver.accountablePrincipal());
    }

    private String describe() {
        return "approval request " + requestId + " is " + status.name().toLowerCase(Locale.ROOT);
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }

    @EventSourcingHandler
    void on(ApprovalRequestedEvent event) {
        requestId = event.requestId();
        status = ApprovalStatus.PENDING;
        requestedBy = event.requestedBy();
        payloadHash = event.payloadHash();
        planDigest = event.plan() == null ? null : event.plan().digest();
        minApprovals = event.minApprovals();
        expiresAt = event.expiresAt();
    }

    @EventSourcingHandler
    void on(RequestApprovedEvent event) {
        approvedBy.add(event.by().accountablePrincipal());
        if (event.quorumReached()) {
            status = ApprovalStatus.APPROVED;
        }
    }

    @EventSourcingHandler
    void on(RequestRejectedEvent event) {
        status = ApprovalStatus.REJECTED;
    }

    @EventSourcingHandler
    void on(RequestCancelledEvent event) {
        status = ApprovalStatus.CANCELLED;
    }

    @EventSourcingHandler
    void on(RequestExpiredEvent event) {
        status = ApprovalStatus.EXPIRED;
    }

    @EventSourcingHandler
    void on(RequestExecutedEvent event) {
        status = ApprovalStatus.EXECUTED;
        executionId = event.executionId();
    }
}
