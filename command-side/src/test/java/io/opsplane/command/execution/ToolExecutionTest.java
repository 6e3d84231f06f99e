package io.opsplane.command.execution;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.execution.CompleteExecutionCommand;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.execution.ExecutionError;
import io.opsplane.api.execution.ExecutionFailedEvent;
import io.opsplane.api.execution.ExecutionPlannedEvent;
import io.opsplane.api.execution.ExecutionRequestedEvent;
import io.opsplane.api.execution.ExecutionRetriedEvent;
import io.opsplane.api.execution.ExecutionStartedEvent;
import io.opsplane.api.execution.ExecutionStepFailedEvent;
import io.opsplane.api.execution.ExecutionStepSucceededEvent;
import io.opsplane.api.execution.ExecutionSucceededEvent;
import io.opsplane.api.execution.ExecutionUnknownEvent;
import io.opsplane.api.execution.FailExecutionCommand;
import io.opsplane.api.execution.Plan;
import io.opsplane.api.execution.PlanExecutionCommand;
import io.opsplane.api.execution.RecordStepFailedCommand;
import io.opsplane.api.execution.RecordStepSucceededCommand;
import io.opsplane.api.execution.RequestAndStartExecutionCommand;
import io.opsplane.api.execution.RequestExecutionCommand;
import io.opsplane.api.execution.RetryExecutionCommand;
import io.opsplane.api.execution.StartDecision;
import io.opsplane.api.execution.StartExecutionCommand;
import io.opsplane.api.execution.ToolRef;
import io.opsplane.api.refusal.RefusalReason;
import io.opsplane.command.support.Refused;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

class ToolExecutionTest {

    private static final String ID = "ex_1";
    private static final Actor ACTOR = new Actor("key_1", "alice@example.com", ActorKind.HUMAN, null);
    private static final ToolRef IDEMPOTENT = new ToolRef("service.healthcheck", "1.0.0", "sha256:abc", true, 1_000);
    private static final ToolRef NOT_IDEMPOTENT = new ToolRef("email.send", "1.0.0", "sha256:def", false, 1_000);
    private static final Map<String, Object> INPUT = Map.of("url", "http://example.test/");
    private static final Plan PLAN = new Plan(List.of(new Effect("http.get", "http://example.test/", "GET it", Map.of())),
            "sha256:plan");

    private AggregateTestFixture<ToolExecution> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(ToolExecution.class);
    }

    private static ExecutionRequestedEvent requested(ToolRef tool) {
        return new ExecutionRequestedEvent(ID, tool, INPUT, "because", ACTOR, "idem-1", "sha256:req", null);
    }

    @Test
    void recordsAPlanWithoutRunningAnything() {
        fixture.givenNoPriorActivity()
                .when(new PlanExecutionCommand(ID, IDEMPOTENT, INPUT, "look first", ACTOR, null, "sha256:req", PLAN))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new ExecutionPlannedEvent(ID, IDEMPOTENT, INPUT, "look first", ACTOR, null, "sha256:req", PLAN));
    }

    @Test
    void recordsARequest() {
        fixture.givenNoPriorActivity()
                .when(new RequestExecutionCommand(ID, IDEMPOTENT, INPUT, "because", ACTOR, "idem-1", "sha256:req", null))
                .expectEvents(requested(IDEMPOTENT));
    }

    @Test
    void recordsTheStepsAnOrchestratingToolDeclares() {
        List<String> steps = List.of("billing.customer", "email.welcome");
        fixture.givenNoPriorActivity()
                .when(new RequestExecutionCommand(ID, IDEMPOTENT, INPUT, "because", ACTOR, "idem-1", "sha256:req", null, steps))
                .expectEvents(new ExecutionRequestedEvent(ID, IDEMPOTENT, INPUT, "because", ACTOR, "idem-1", "sha256:req",
                        null, steps));
    }

    @Test
    void requestsAndClaimsForTheAcceptingRunnerInOneCommit() {
        fixture.givenNoPriorActivity()
                .when(new RequestAndStartExecutionCommand(new RequestExecutionCommand(ID, NOT_IDEMPOTENT, INPUT, "because",
                        ACTOR, "idem-1", "sha256:req", null), "runner-a"))
                .expectSuccessfulHandlerExecution()
                .expectEvents(requested(NOT_IDEMPOTENT), new ExecutionStartedEvent(ID, "runner-a", 1));
    }

    @Test
    void aRunClaimedAtAcceptanceIsNeverStartedAgainForANonIdempotentTool() {
        fixture.givenCommands(new RequestAndStartExecutionCommand(new RequestExecutionCommand(ID, NOT_IDEMPOTENT, INPUT,
                        "because", ACTOR, "idem-1", "sha256:req", null), "runner-a"))
                .when(new StartExecutionCommand(ID, "runner-b"))
                .expectResultMessagePayload(StartDecision.SKIP)
                .expectEvents(new ExecutionUnknownEvent(ID, "the runner stopped after starting attempt 1 and the tool is"
                        + " not idempotent: check the target system before retrying"));
    }

    @Test
    void startsARequestedExecutionOnce() {
        fixture.given(requested(NOT_IDEMPOTENT))
                .when(new StartExecutionCommand(ID, "runner-a"))
                .expectResultMessagePayload(StartDecision.RUN)
                .expectEvents(new ExecutionStartedEvent(ID, "runner-a", 1));
    }

    @Test
    void resumesAnIdempotentToolWhoseRunnerDied() {
        fixture.given(requested(IDEMPOTENT), new ExecutionStartedEvent(ID, "runner-a", 1))
                .when(new StartExecutionCommand(ID, "runner-b"))
                .expectResultMessagePayload(StartDecision.RUN)
                .expectEvents(new ExecutionStartedEvent(ID, "runner-b", 2));
    }

    @Test
    void marksANonIdempotentToolUnknownInsteadOfRunningItTwice() {
        fixture.given(requested(NOT_IDEMPOTENT), new ExecutionStartedEvent(ID, "runner-a", 1))
                .when(new StartExecutionCommand(ID, "runner-b"))
                .expectResultMessagePayload(StartDecision.SKIP)
                .expectEvents(new ExecutionUnknownEvent(ID, "the runner stopped after starting attempt 1 and the tool is"
                        + " not idempotent: check the target system before retrying"));
    }

    @Test
    void skipsStartingAnExecutionThatAlreadyHasAnOutcome() {
        fixture.given(requested(IDEMPOTENT), new ExecutionStartedEvent(ID, "runner-a", 1),
                        new ExecutionSucceededEvent(ID, Map.of("statusCode", 200), 5))
                .when(new StartExecutionCommand(ID, "runner-b"))
                .expectResultMessagePayload(StartDecision.SKIP)
                .expectNoEvents();
    }

    @Test
    void refusesToStartAPlan() {
        fixture.given(new ExecutionPlannedEvent(ID, IDEMPOTENT, INPUT, null, ACTOR, null, "sha256:req", PLAN))
                .when(new StartExecutionCommand(ID, "runner-a"))
                .expectException(Refused.because(RefusalReason.INVALID_STATE))
                .expectNoEvents();
    }

    @Test
    void completesARunningExecutionWithItsDuration() {
        fixture.givenCurrentTime(Instant.parse("2026-11-24T10:00:00Z"))
                .andGiven(requested(IDEMPOTENT), new ExecutionStartedEvent(ID, "runner-a", 1))
                .andGivenCurrentTime(Instant.parse("2026-11-24T10:00:00.250Z"))
                .when(new CompleteExecutionCommand(ID, Map.of("statusCode", 200)))
                .expectEvents(new ExecutionSucceededEvent(ID, Map.of("statusCode", 200), 250));
    }

    @Test
    void failsARunningExecutionWithItsDuration() {
        ExecutionError error = new ExecutionError("timeout", "too slow");
        fixture.givenCurrentTime(Instant.parse("2026-11-24T10:00:00Z"))
                .andGiven(requested(IDEMPOTENT), new ExecutionStartedEvent(ID, "runner-a", 1))
                .andGivenCurrentTime(Instant.parse("2026-11-24T10:00:02Z"))
                .when(new FailExecutionCommand(ID, error))
                .expectEvents(new ExecutionFailedEvent(ID, error, 2_000));
    }

    @Test
    void refusesAnOutcomeForAnExecutionThatNeverStarted() {
        fixture.given(requested(IDEMPOTENT))
                .when(new CompleteExecutionCommand(ID, Map.of()))
                .expectException(Refused.because(RefusalReason.INVALID_STATE))
                .expectNoEvents();
    }

    @Test
    void refusesASecondOutcome() {
        fixture.given(requested(IDEMPOTENT), new ExecutionStartedEvent(ID, "runner-a", 1),
                        new ExecutionSucceededEvent(ID, Map.of(), 3))
                .when(new FailExecutionCommand(ID, new ExecutionError("late", "too late")))
                .expectException(Refused.because(RefusalReason.INVALID_STATE))
                .expectNoEvents();
    }

    @Test
    void recordsStepsOfARunningExecution() {
        fixture.given(requested(IDEMPOTENT), new ExecutionStartedEvent(ID, "runner-a", 1))
                .when(new RecordStepSucceededCommand(ID, "stripe.customer", Map.of("customerId", "cus_1")))
                .expectEvents(new ExecutionStepSucceededEvent(ID, "stripe.customer", Map.of("customerId", "cus_1")));
    }

    @Test
    void recordsAFailedStep() {
        ExecutionError error = new ExecutionError("provider_error", "502 from provider");
        fixture.given(requested(IDEMPOTENT), new ExecutionStartedEvent(ID, "runner-a", 1))
                .when(new RecordStepFailedCommand(ID, "email.welcome", error))
                .expectEvents(new ExecutionStepFailedEvent(ID, "email.welcome", error));
    }

    @Test
    void refusesStepsOfAFinishedExecution() {
        fixture.given(requested(IDEMPOTENT), new ExecutionStartedEvent(ID, "runner-a", 1),
                        new ExecutionSucceededEvent(ID, Map.of(), 3))
                .when(new RecordStepSucceededCommand(ID, "late", Map.of()))
                .expectException(Refused.because(RefusalReason.INVALID_STATE))
                .expectNoEvents();
    }

    @Test
    void retriesAFailedExecutionUnderTheSameId() {
        fixture.given(requested(NOT_IDEMPOTENT), new ExecutionStartedEvent(ID, "runner-a", 1),
                        new ExecutionStepSucceededEvent(ID, "first", Map.of("id", "cus_1")),
                        new ExecutionStepFailedEvent(ID, "second", new ExecutionError("provider_error", "503")),
                        new ExecutionFailedEvent(ID, new ExecutionError("provider_error", "503"), 12))
                .when(new RetryExecutionCommand(ID, ACTOR))
                .expectEvents(new ExecutionRetriedEvent(ID, NOT_IDEMPOTENT, INPUT, ACTOR));
    }

    @Test
    void runsARetriedExecutionOfANonIdempotentToolAgain() {
        fixture.given(requested(NOT_IDEMPOTENT), new ExecutionStartedEvent(ID, "runner-a", 1),
                        new ExecutionFailedEvent(ID, new ExecutionError("provider_error", "503"), 12),
                        new ExecutionRetriedEvent(ID, NOT_IDEMPOTENT, INPUT, ACTOR))
                .when(new StartExecutionCommand(ID, "runner-b"))
                .expectResultMessagePayload(StartDecision.RUN)
                .expectEvents(new ExecutionStartedEvent(ID, "runner-b", 2));
    }

    @Test
    void marksARetriedNonIdempotentToolUnknownWhenItsRunnerDiesAgain() {
        fixture.given(requested(NOT_IDEMPOTENT), new ExecutionStartedEvent(ID, "runner-a", 1),
                        new ExecutionFailedEvent(ID, new ExecutionError("provider_error", "503"), 12),
                        new ExecutionRetriedEvent(ID, NOT_IDEMPOTENT, INPUT, ACTOR),
                        new ExecutionStartedEvent(ID, "runner-b", 2))
                .when(new StartExecutionCommand(ID, "runner-c"))
                .expectResultMessagePayload(StartDecision.SKIP)
                .expectEvents(new ExecutionUnknownEvent(ID, "the runner stopped after starting attempt 2 and the tool"
                        + " is not idempotent: check the target system before retrying"));
    }

    @Test
    void rejectsRetryOfASucceededExecution() {
        fixture.given(requested(IDEMPOTENT), new ExecutionStartedEvent(ID, "runner-a", 1),
                        new ExecutionSucceededEvent(ID, Map.of(), 5))
                .when(new RetryExecutionCommand(ID, ACTOR))
                .expectException(Refused.because(RefusalReason.INVALID_STATE))
                .expectNoEvents();
    }

    @Test
    void rejectsRetryOfAnExecutionStillRunning() {
        fixture.given(requested(IDEMPOTENT), new ExecutionStartedEvent(ID, "runner-a", 1))
                .when(new RetryExecutionCommand(ID, ACTOR))
                .expectException(Refused.because(RefusalReason.INVALID_STATE))
                .expectNoEvents();
    }

    @Test
    void rejectsRetryOfAnUnknownOutcome() {
        fixture.given(requested(NOT_IDEMPOTENT), new ExecutionStartedEvent(ID, "runner-a", 1),
                        new ExecutionUnknownEvent(ID, "runner died"))
                .when(new RetryExecutionCommand(ID, ACTOR))
                .expectException(Refused.because(RefusalReason.INVALID_STATE))
                .expectNoEvents();
    }

    @Test
    void rejectsRetryOfAPlan() {
        fixture.given(new ExecutionPlannedEvent(ID, IDEMPOTENT, INPUT, "look first", ACTOR, null, "sha256:req", PLAN))
                .when(new RetryExecutionCommand(ID, ACTOR))
                .expectException(Refused.because(RefusalReason.INVALID_STATE))
                .expectNoEvents();
    }
}
