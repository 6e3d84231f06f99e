package io.opsplane.api.execution;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.ActorKind;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExecutionViewReducerTest {

    private static final Actor ACTOR = new Actor("key_1", "alice@example.com", ActorKind.HUMAN, null);
    private static final ToolRef TOOL = new ToolRef("service.healthcheck", "1.0.0", "sha256:s", true, 1000);
    private static final Instant T0 = Instant.parse("2026-11-24T10:15:30.123456Z");

    @Test
    void foldsALifecycleIntoTheExecutionShape() {
        ExecutionView view = ExecutionViewReducer.apply(null,
                new ExecutionRequestedEvent("ex_1", TOOL, Map.of("url", "http://x"), "why", ACTOR, "k", "h", null), T0, 4);
        assertThat(view.status()).isEqualTo(ExecutionStatus.RUNNING);
        assertThat(view.createdAt()).isEqualTo(Instant.parse("2026-11-24T10:15:30.123Z"));

        view = ExecutionViewReducer.apply(view, new ExecutionStartedEvent("ex_1", "r", 1), T0.plusMillis(5), 5);
        view = ExecutionViewReducer.apply(view, new ExecutionStepSucceededEvent("ex_1", "one", Map.of("a", 1)),
                T0.plusMillis(6), 6);
        view = ExecutionViewReducer.apply(view, new ExecutionSucceededEvent("ex_1", Map.of("statusCode", 200), 20),
                T0.plusMillis(25), 9);

        assertThat(view.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(view.output()).containsEntry("statusCode", 200);
        assertThat(view.durationMs()).isEqualTo(20);
        assertThat(view.steps()).extracting(StepView::name, StepView::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("one", StepStatus.SUCCEEDED));
        assertThat(view.position()).isEqualTo(9);
        assertThat(view.tool()).isEqualTo("service.healthcheck");
        assertThat(view.mode()).isEqualTo(ExecutionMode.EXECUTE);
    }

    @Test
    void aRetryClearsThePreviousFailure() {
        ExecutionView view = ExecutionViewReducer.apply(null,
                new ExecutionRequestedEvent("ex_1", TOOL, Map.of(), null, ACTOR, null, "h", null), T0, 1);
        view = ExecutionViewReducer.apply(view, new ExecutionFailedEvent("ex_1", new ExecutionError("x", "y"), 3), T0, 2);
        assertThat(view.status()).isEqualTo(ExecutionStatus.FAILED);
        view = ExecutionViewReducer.apply(view, new ExecutionStartedEvent("ex_1", "r", 2), T0.plusSeconds(1), 3);
        assertThat(view.status()).isEqualTo(ExecutionStatus.RUNNING);
        assertThat(view.error()).isNull();
        assertThat(view.finishedAt()).isNull();
    }

    @Test
    void anExplicitRetryIsRunningAgainAndKeepsTheStepsThatSucceeded() {
        ExecutionView view = ExecutionViewReducer.apply(null,
                new ExecutionRequestedEvent("ex_1", TOOL, Map.of(), null, ACTOR, null, "h", null), T0, 1);
        view = ExecutionViewReducer.apply(view, new ExecutionStartedEvent("ex_1", "r", 1), T0, 2);
        view = ExecutionViewReducer.apply(view, new ExecutionStepSucceededEvent("ex_1", "one", Map.of("id", "a")), T0, 3);
        view = ExecutionViewReducer.apply(view, new ExecutionStepFailedEvent("ex_1", "two", new ExecutionError("x", "y")),
                T0, 4);
        view = ExecutionViewReducer.apply(view, new ExecutionFailedEvent("ex_1", new ExecutionError("x", "y"), 3), T0, 5);

        view = ExecutionViewReducer.apply(view, new ExecutionRetriedEvent("ex_1", TOOL, Map.of(), ACTOR),
                T0.plusSeconds(1), 6);

        assertThat(view.status()).isEqualTo(ExecutionStatus.RUNNING);
        assertThat(view.error()).isNull();
        assertThat(view.finishedAt()).isNull();
        assertThat(view.durationMs()).isNull();
        assertThat(view.position()).isEqualTo(6);
        assertThat(view.steps()).extracting(StepView::name, StepView::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("one", StepStatus.SUCCEEDED),
                org.assertj.core.groups.Tuple.tuple("two", StepStatus.FAILED));
    }

    @Test
    void declaredStepsArePendingUntilRecordedAndKeepTheirOrder() {
        ExecutionView view = ExecutionViewReducer.apply(null, new ExecutionRequestedEvent("ex_1", TOOL, Map.of(), null,
                ACTOR, null, "h", null, java.util.List.of("one", "two", "three")), T0, 1);
        view = ExecutionViewReducer.apply(view, new ExecutionStepSucceededEvent("ex_1", "one", Map.of()), T0, 2);
        view = ExecutionViewReducer.apply(view, new ExecutionStepFailedEvent("ex_1", "two", new ExecutionError("x", "y")),
                T0, 3);
        view = ExecutionViewReducer.apply(view, new ExecutionFailedEvent("ex_1", new ExecutionError("x", "y"), 3), T0, 4);

        assertThat(view.steps()).extracting(StepView::name, StepView::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("one", StepStatus.SUCCEEDED),
                org.assertj.core.groups.Tuple.tuple("two", StepStatus.FAILED),
                org.assertj.core.groups.Tuple.tuple("three", StepStatus.PENDING));

        view = ExecutionViewReducer.apply(view, new ExecutionStepSucceededEvent("ex_1", "two", Map.of()), T0, 5);
        assertThat(view.steps()).extracting(StepView::name, StepView::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("one", StepStatus.SUCCEEDED),
                org.assertj.core.groups.Tuple.tuple("two", StepStatus.SUCCEEDED),
                org.assertj.core.groups.Tuple.tuple("three", StepStatus.PENDING));
    }

    @Test
    void otherEventsLeaveTheViewAsItIs() {
        ExecutionView view = ExecutionViewReducer.apply(null,
                new ExecutionPlannedEvent("ex_1", TOOL, Map.of(), null, ACTOR, null, "h", new Plan(java.util.List.of(), "d")),
                T0, 1);
        assertThat(ExecutionViewReducer.apply(view, "something else", T0, 7)).isSameAs(view);
        assertThat(view.status()).isEqualTo(ExecutionStatus.PLANNED);
    }
}
