package io.opsplane.api.execution;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds execution events into an {@link ExecutionView}. Pure: the same events give the same view,
 * which is what lets a replayed projection equal the live one.
 */
public final class ExecutionViewReducer {

    private ExecutionViewReducer() {
    }

    /**
     * Applies one event.
     *
     * @param current  the view so far; {@code null} before the first event
     * @param event    an execution event payload; other payloads leave the view unchanged
     * @param timestamp the event's timestamp; views keep millisecond precision, as the stores do
     * @param position the event's global position
     */
    public static ExecutionView apply(ExecutionView current, Object event, Instant timestamp, long position) {
        Instant at = timestamp.truncatedTo(ChronoUnit.MILLIS);
        ExecutionView.Builder b = current == null ? ExecutionView.builder() : current.toBuilder();
        Steps steps = new Steps(current == null ? null : current.steps());
        if (event instanceof ExecutionPlannedEvent e) {
            b.executionId(e.executionId())
                    .tool(e.tool().name())
                    .toolVersion(e.tool().version())
                    .mode(ExecutionMode.PLAN)
                    .status(ExecutionStatus.PLANNED)
                    .input(e.input())
                    .actor(e.actor())
                    .idempotencyKey(e.idempotencyKey())
                    .reason(e.reason())
                    .plan(e.plan())
                    .createdAt(at)
                    .finishedAt(at);
        } else if (event instanceof ExecutionRequestedEvent e) {
            b.executionId(e.executionId())
                    .tool(e.tool().name())
                    .toolVersion(e.tool().version())
                    .mode(ExecutionMode.EXECUTE)
                    .status(ExecutionStatus.RUNNING)
                    .input(e.input())
                    .actor(e.actor())
                    .idempotencyKey(e.idempotencyKey())
                    .reason(e.reason())
                    .approvalRequestId(e.approvalRequestId())
                    .createdAt(at);
            if (e.steps() != null) {
                e.steps().forEach(step -> steps.put(new StepView(step, StepStatus.PENDING, null, null, null)));
            }
        } else if (event instanceof ExecutionRetriedEvent) {
            b.status(ExecutionStatus.RUNNING).output(null).error(null).finishedAt(null).durationMs(null);
        } else if (event instanceof ExecutionStartedEvent) {
            b.status(ExecutionStatus.RUNNING).startedAt(at).finishedAt(null).durationMs(null).error(null);
        } else if (event instanceof ExecutionStepSucceededEvent e) {
            steps.put(new StepView(e.step(), StepStatus.SUCCEEDED, at, e.output(), null));
        } else if (event instanceof ExecutionStepFailedEvent e) {
            steps.put(new StepView(e.step(), StepStatus.FAILED, at, null, e.error()));
        } else if (event instanceof ExecutionSucceededEvent e) {
            b.status(ExecutionStatus.SUCCEEDED).output(e.output()).finishedAt(at).durationMs(e.durationMs());
        } else if (event instanceof ExecutionFailedEvent e) {
            b.status(ExecutionStatus.FAILED).error(e.error()).finishedAt(at).durationMs(e.durationMs());
        } else if (event instanceof ExecutionUnknownEvent e) {
            Instant startedAt = current == null ? null : current.startedAt();
            b.status(ExecutionStatus.UNKNOWN)
                    .error(new ExecutionError("outcome_unknown", e.reason()))
                    .finishedAt(at)
                    .durationMs(startedAt == null ? null : at.toEpochMilli() - startedAt.toEpochMilli());
        } else {
            return current;
        }
        long before = current == null ? 0 : current.position();
        return b.steps(steps.list()).position(Math.max(before, position)).build();
    }

    /** The steps of a view, in the order they were first seen. */
    private static final class Steps {

        private final List<StepView> steps;

        Steps(List<StepView> current) {
            steps = current == null ? new ArrayList<>() : new ArrayList<>(current);
        }

        /** Replaces the step of that name where it stands (a pending or failed one), or appends it. */
        void put(StepView step) {
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i).name().equals(step.name())) {
                    steps.set(i, step);
                    return;
                }
            }
            steps.add(step);
        }

        List<StepView> list() {
            return List.copyOf(steps);
        }
    }
}
