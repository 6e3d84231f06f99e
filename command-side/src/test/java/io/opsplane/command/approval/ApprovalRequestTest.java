package io.opsplane.command.approval;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.approval.ApprovalRequestedEvent;
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
import io.opsplane.api.execution.Effect;
import io.opsplane.api.execution.Plan;
import io.opsplane.api.execution.ToolRef;
import io.opsplane.api.refusal.RefusalReason;
import io.opsplane.command.support.Refused;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.ResultValidator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;


class ApprovalRequestTest {

    private static final String ID = "apr_1";
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant EXPIRES_AT = NOW.plusSeconds(3600);
    private static final ToolRef TOOL = new ToolRef("billing.refund", "1.0.0", "sha256:schema", true, 30000);
    private static final Plan PLAN = new Plan(List.of(new Effect("stripe.refund.create", "pi_1", "refund", Map.of())),
            "sha256:plan");
    private static final String PAYLOAD = "sha256:payload";
    private static final String EXECUTION = "ex_1";

    private static final Actor AGENT = new Actor("key_bot", "agent:refund-bot", ActorKind.AGENT, "alice@example.com");
    private static final Actor ALICE = new Actor("key_alice", "alice@example.com", ActorKind.HUMAN, null);
    private static final Actor ALICE_OTHER_KEY = new Actor("key_alice2", "alice@example.com", ActorKind.HUMAN, null);
    private static final Actor BOB = new Actor("key_bob", "bob@example.com", ActorKind.HUMAN, null);
    private static final Actor BOB_OTHER_KEY = new Actor("key_bob2", "bob@example.com", ActorKind.HUMAN, null);
    private static final Actor CAROL = new Actor("key_carol", "carol@example.com", ActorKind.HUMAN, null);
    private static final Actor OTHER_AGENT = new Actor("key_bot2", "agent:other", ActorKind.AGENT, "carol@example.com");

    private static final ApprovalRequestedEvent REQUESTED = requested(AGENT, 2);
    private static final RequestApprovedEvent BOB_APPROVED = new RequestApprovedEvent(ID, BOB, "ok", 1, false);
    private static final RequestApprovedEvent CAROL_APPROVED = new RequestApprovedEvent(ID, CAROL, null, 2, true);

    private AggregateTestFixture<ApprovalRequest> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(ApprovalRequest.class);
    }

    private static ApprovalRequestedEvent requested(Actor by, int minApprovals) {
        return new ApprovalRequestedEvent(ID, TOOL, Map.of("amount", 600000), PAYLOAD, PLAN, "customer asked",
                by, minApprovals, EXPIRES_AT, null, "sha256:request");
    }

    private static RequestApprovalCommand request(String reason, int minApprovals) {
        return new RequestApprovalCommand(ID, TOOL, Map.of("amount", 600000), PAYLOAD, PLAN, reason, AGENT,
                minApprovals, EXPIRES_AT, null, "sha256:request");
    }

    private static ExecuteRequestCommand execute(Actor by, String payload, String digest, Instant at) {
        return new ExecuteRequestCommand(ID, by, false, payload, digest, EXECUTION, at);
    }

    /** A refusal records nothing and says why: the reason, never an HTTP status (the edge maps reasons). */
    private static void assertRefused(ResultValidator<ApprovalRequest> result, RefusalReason reason) {
        result.expectNoEvents().expectException(Refused.because(reason));
    }

    @Test
    void opensARequestPinningPayloadPlanQuorumAndExpiry() {
        fixture.givenNoPriorActivity().when(request("customer asked", 2)).expectEvents(REQUESTED);
    }

    @Test
    void opensARequestWithAtLeastOneApprovalNeeded() {
        fixture.givenNoPriorActivity().when(request("customer asked", 0)).expectEvents(requested(AGENT, 1));
    }

    @Test
    void refusesARequestWithoutReason() {
        fixture.givenNoPriorActivity().when(request(" ", 2))
                .expectNoEvents().expectException(Refused.because(RefusalReason.REASON_REQUIRED));
    }

    @Test
    void countsAnApprovalBelowQuorumAndStaysPending() {
        fixture.given(REQUESTED).when(new ApproveRequestCommand(ID, BOB, "ok", NOW)).expectEvents(BOB_APPROVED);
    }

    @Test
    void reachesQuorumWithASecondPrincipal() {
        fixture.given(REQUESTED, BOB_APPROVED).when(new ApproveRequestCommand(ID, CAROL, null, NOW))
                .expectEvents(CAROL_APPROVED);
    }

    @Test
    void refusesAnAgentApproving() {
        assertRefused(fixture.given(REQUESTED).when(new ApproveRequestCommand(ID, OTHER_AGENT, null, NOW)),
                RefusalReason.AGENT_CANNOT_APPROVE);
    }

    @Test
    void refusesTheOwnerOfTheRequestingAgentApproving() {
        assertRefused(fixture.given(REQUESTED).when(new ApproveRequestCommand(ID, ALICE, null, NOW)),
                RefusalReason.SELF_APPROVAL);
    }

    @Test
    void refusesTheRequesterApprovingWithAnotherKey() {
        assertRefused(fixture.given(requested(ALICE, 1)).when(new ApproveRequestCommand(ID, ALICE_OTHER_KEY, null, NOW)),
                RefusalReason.SELF_APPROVAL);
    }

    @Test
    void countsTwoKeysOfOnePrincipalOnce() {
        assertRefused(fixture.given(REQUESTED, BOB_APPROVED).when(new ApproveRequestCommand(ID, BOB_OTHER_KEY, null, NOW)),
                RefusalReason.ALREADY_APPROVED_BY_YOU);
    }

    @Test
    void refusesApprovingARejectedRequest() {
        assertRefused(fixture.given(REQUESTED, new RequestRejectedEvent(ID, BOB, "no"))
                .when(new ApproveRequestCommand(ID, CAROL, null, NOW)), RefusalReason.INVALID_STATE);
    }

    @Test
    void refusesApprovingAnApprovedRequest() {
        assertRefused(fixture.given(REQUESTED, BOB_APPROVED, CAROL_APPROVED)
                .when(new ApproveRequestCommand(ID, new Actor("key_dan", "dan@example.com", ActorKind.HUMAN, null),
                        null, NOW)), RefusalReason.INVALID_STATE);
    }

    @Test
    void refusesApprovingAfterExpiryBeforeTheSweeperRecordedIt() {
        assertRefused(fixture.given(REQUESTED).when(new ApproveRequestCommand(ID, BOB, null, EXPIRES_AT)),
                RefusalReason.APPROVAL_EXPIRED);
    }

    @Test
    void refusesApprovingAnExpiredRequest() {
        assertRefused(fixture.given(REQUESTED, new RequestExpiredEvent(ID, EXPIRES_AT, "late"))
                .when(new ApproveRequestCommand(ID, BOB, null, NOW)), RefusalReason.APPROVAL_EXPIRED);
    }

    @Test
    void rejectsWithAReason() {
        fixture.given(REQUESTED).when(new RejectRequestCommand(ID, BOB, "too much", NOW))
                .expectEvents(new RequestRejectedEvent(ID, BOB, "too much"));
    }

    @Test
    void refusesARejectionWithoutReason() {
        fixture.given(REQUESTED).when(new RejectRequestCommand(ID, BOB, null, NOW))
                .expectNoEvents().expectException(Refused.because(RefusalReason.REASON_REQUIRED));
    }

    @Test
    void refusesAnAgentRejecting() {
        assertRefused(fixture.given(REQUESTED).when(new RejectRequestCommand(ID, OTHER_AGENT, "no", NOW)),
                RefusalReason.AGENT_CANNOT_APPROVE);
    }

    @Test
    void refusesRejectingAnExecutedRequest() {
        assertRefused(fixture.given(requested(AGENT, 1), new RequestApprovedEvent(ID, BOB, null, 1, true),
                new RequestExecutedEvent(ID, AGENT, EXECUTION)).when(new RejectRequestCommand(ID, BOB, "no", NOW)),
                RefusalReason.INVALID_STATE);
    }

    @Test
    void letsTheRequesterCancel() {
        fixture.given(REQUESTED).when(new CancelRequestCommand(ID, AGENT, false, null, NOW))
                .expectEvents(new RequestCancelledEvent(ID, AGENT, null));
    }

    @Test
    void letsAnAdminCancel() {
        fixture.given(REQUESTED).when(new CancelRequestCommand(ID, CAROL, true, "stale", NOW))
                .expectEvents(new RequestCancelledEvent(ID, CAROL, "stale"));
    }

    @Test
    void refusesACancelBySomeoneElse() {
        assertRefused(fixture.given(REQUESTED).when(new CancelRequestCommand(ID, BOB, false, null, NOW)),
                RefusalReason.NOT_REQUESTER);
    }

    @Test
    void refusesCancellingACancelledRequest() {
        assertRefused(fixture.given(REQUESTED, new RequestCancelledEvent(ID, AGENT, null))
                .when(new CancelRequestCommand(ID, AGENT, false, null, NOW)), RefusalReason.INVALID_STATE);
    }

    @Test
    void expiresAnOpenRequestAtItsDeadline() {
        fixture.given(REQUESTED, BOB_APPROVED).when(new ExpireRequestCommand(ID, EXPIRES_AT))
                .expectEvents(new RequestExpiredEvent(ID, EXPIRES_AT, "not executed before " + EXPIRES_AT));
    }

    @Test
    void expiringAClosedRequestAgainRecordsNothingAndSucceeds() {
        fixture.given(REQUESTED, new RequestExpiredEvent(ID, EXPIRES_AT, "late"))
                .when(new ExpireRequestCommand(ID, EXPIRES_AT.plusSeconds(5)))
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    @Test
    void refusesToExpireBeforeTheDeadline() {
        assertRefused(fixture.given(REQUESTED).when(new ExpireRequestCommand(ID, EXPIRES_AT.minusMillis(1))),
                RefusalReason.INVALID_STATE);
    }

    @Test
    void executesAnApprovedRequestOnce() {
        fixture.given(REQUESTED, BOB_APPROVED, CAROL_APPROVED)
                .when(execute(AGENT, PAYLOAD, PLAN.digest(), NOW))
                .expectEvents(new RequestExecutedEvent(ID, AGENT, EXECUTION));
    }

    @Test
    void letsAnAdminExecute() {
        fixture.given(REQUESTED, BOB_APPROVED, CAROL_APPROVED)
                .when(new ExecuteRequestCommand(ID, CAROL, true, PAYLOAD, PLAN.digest(), EXECUTION, NOW))
                .expectEvents(new RequestExecutedEvent(ID, CAROL, EXECUTION));
    }

    @Test
    void refusesExecutionOfUnapprovedRequest() {
        assertRefused(fixture.given(REQUESTED, BOB_APPROVED).when(execute(AGENT, PAYLOAD, PLAN.digest(), NOW)),
                RefusalReason.NOT_APPROVED);
    }

    @Test
    void refusesASecondExecution() {
        assertRefused(fixture.given(REQUESTED, BOB_APPROVED, CAROL_APPROVED, new RequestExecutedEvent(ID, AGENT, EXECUTION))
                .when(execute(AGENT, PAYLOAD, PLAN.digest(), NOW)), RefusalReason.ALREADY_EXECUTED);
    }

    @Test
    void refusesExecutionOfATamperedPayload() {
        assertRefused(fixture.given(REQUESTED, BOB_APPROVED, CAROL_APPROVED)
                .when(execute(AGENT, "sha256:other", null, NOW)), RefusalReason.PAYLOAD_MISMATCH);
    }

    @Test
    void refusesExecutionWhenThePlanDrifted() {
        assertRefused(fixture.given(REQUESTED, BOB_APPROVED, CAROL_APPROVED)
                .when(execute(AGENT, PAYLOAD, "sha256:drifted", NOW)), RefusalReason.PLAN_DRIFT);
    }

    @Test
    void refusesExecutionAfterExpiryBeforeTheSweeperRecordedIt() {
        assertRefused(fixture.given(REQUESTED, BOB_APPROVED, CAROL_APPROVED)
                .when(execute(AGENT, PAYLOAD, PLAN.digest(), EXPIRES_AT.plusSeconds(1))), RefusalReason.APPROVAL_EXPIRED);
    }

    @Test
    void refusesExecutionOfARejectedRequest() {
        assertRefused(fixture.given(REQUESTED, new RequestRejectedEvent(ID, BOB, "no"))
                .when(execute(AGENT, PAYLOAD, PLAN.digest(), NOW)), RefusalReason.INVALID_STATE);
    }

    @Test
    void refusesExecutionBySomeoneOtherThanTheRequester() {
        assertRefused(fixture.given(REQUESTED, BOB_APPROVED, CAROL_APPROVED)
                .when(execute(BOB, PAYLOAD, PLAN.digest(), NOW)), RefusalReason.NOT_REQUESTER);
    }

    /** Principals recorded before keys were issued normalised compare in normal form (issue 11). */
    private static final Actor BOB_SHOUTING = new Actor("key_bob3", " BOB@Example.com", ActorKind.HUMAN, null);
    private static final Actor ALICE_FULL_WIDTH =
            new Actor("key_alice3", "\uFF21lice@example.com", ActorKind.HUMAN, null);

    @Test
    void countsTwoKeysOfOnePersonOnceWhateverTheSpellingOfTheirPrincipal() {
        assertRefused(fixture.given(REQUESTED, BOB_APPROVED).when(approve(BOB_SHOUTING)),
                RefusalReason.ALREADY_APPROVED_BY_YOU);
    }

    @Test
    void refusesTheOwnerOfTheRequestingAgentApprovingUnderAnotherSpelling() {
        assertRefused(fixture.given(REQUESTED).when(approve(ALICE_FULL_WIDTH)), RefusalReason.SELF_APPROVAL);
    }

    @Test
    void refusesTheRequesterApprovingUnderAnotherSpelling() {
        assertRefused(fixture.given(requested(BOB, 2)).when(approve(BOB_SHOUTING)), RefusalReason.SELF_APPROVAL);
    }

    private static ApproveRequestCommand approve(Actor approver) {
        return new ApproveRequestCommand(ID, approver, null, NOW);
    }

    @Test
    void letsTheRequesterCancelUnderAnotherSpelling() {
        fixture.given(requested(BOB, 1))
                .when(new CancelRequestCommand(ID, BOB_SHOUTING, false, "changed my mind", NOW))
                .expectEvents(new RequestCancelledEvent(ID, BOB_SHOUTING, "changed my mind"));
    }
}
