package io.opsplane.api.execution;

import io.opsplane.api.apikey.Actor;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        Builder b = current == null ? new Builder() : new Builder(current);
        if (event instanceof ExecutionPlannedEvent e) {
            b.executionId = e.executionId();
            b.toolRef(e.tool());
            b.mode = ExecutionMode.PLAN;
            b.status = ExecutionStatus.PLANNED;
            b.input = e.input();
            b.actor = e.actor();
            b.idempotencyKey = e.idempotencyKey();
            b.reason = e.reason();
            b.plan = e.plan();
            b.createdAt = at;
            b.finishedAt = at;
        } else if (event instanceof ExecutionRequestedEvent e) {
            b.executionId = e.executionId();
            b.toolRef(e.tool());
            b.mode = ExecutionMode.EXECUTE;
            b.status = ExecutionStatus.RUNNING;
            b.input = e.input();
            b.actor = e.actor();
            b.idempotencyKey = e.idempotencyKey();
            b.reason = e.reason();
            b.approvalRequestId = e.approvalRequestId();
            b.createdAt = at;
            if (e.steps() != null) {
                e.steps().forEach(step -> b.step(new StepView(step, StepStatus.PENDING, null, null, null)));
            }
        } else if (event instanceof ExecutionRetriedEvent) {
            b.status = ExecutionStatus.RUNNING;
            b.output = null;
            b.error = null;
            b.finishedAt = null;
            b.durationMs = null;
        } else if (event instanceof ExecutionStartedEvent) {
            b.status = ExecutionStatus.RUNNING;
            b.startedAt = at;
            b.finishedAt = null;
            b.durationMs = null;
            b.error = null;
        } else if (event instanceof ExecutionStepSucceededEvent e) {
            b.step(new StepView(e.step(), StepStatus.SUCCEEDED, at, e.output(), null));
        } else if (event instanceof ExecutionStepFailedEvent e) {
            b.step(new StepView(e.step(), StepStatus.FAILED, at, null, e.error()));
        } else if (event instanceof ExecutionSucceededEvent e) {
            b.status = ExecutionStatus.SUCCEEDED;
            b.output = e.output();
            b.finish(at, e.durationMs());
        } else if (event instanceof ExecutionFailedEvent e) {
            b.status = ExecutionStatus.FAILED;
            b.error = e.error();
            b.finish(at, e.durationMs());
        } else if (event instanceof ExecutionUnknownEvent e) {
            b.status = ExecutionStatus.UNKNOWN;
            b.error = new ExecutionError("outcome_unknown", e.reason());
            b.finish(at, b.startedAt == null ? null : at.toEpochMilli() - b.startedAt.toEpochMilli());
        } else {
            return current;
        }
        b.position = Math.max(b.position, position);
        return b.build();
    }

    private static final class Builder {
        private String executionId;
        private String tool;
        private String toolVersion;
        private ExecutionMode mode;
        private ExecutionStatus status;
        private Map<String, Object> input;
        private Map<String, Object> output;
        private ExecutionError error;
        private Actor actor;
        private String approvalRequestId;
        private String idempotencyKey;
        private String reason;
        private Plan plan;
        private Instant createdAt;
        private Instant startedAt;
        private Instant finishedAt;
        private Long durationMs;
        private List<StepView> steps = new ArrayList<>();
        private long position;

        Builder() {
        }

        Builder(ExecutionView v) {
            executionId = v.executionId();
            tool = v.tool();
            toolVersion = v.toolVersion();
            mode = v.mode();
            status = v.status();
            input = v.input();
            output = v.output();
            error = v.error();
            actor = v.actor();
            approvalRequestId = v.approvalRequestId();
            idempotencyKey = v.idempotencyKey();
            reason = v.reason();
            plan = v.plan();
            createdAt = v.createdAt();
            startedAt = v.startedAt();
            finishedAt = v.finishedAt();
            durationMs = v.durationMs();
            steps = v.steps() == null ? new ArrayList<>() : new ArrayList<>(v.steps());
            position = v.position();
        }

        void toolRef(ToolRef ref) {
            tool = ref.name();
            toolVersion = ref.version();
        }

        /** Replaces the step of that name where it stands (a pending or failed one), or appends it. */
        void step(StepView step) {
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i).name().equals(step.name())) {
                    steps.set(i, step);
                    return;
                }
            }
            steps.add(step);
        }

        void finish(Instant at, Long duration) {
            finishedAt = at;
            durationMs = duration;
        }

        ExecutionView build() {
            return new ExecutionView(executionId, tool, toolVersion, mode, status, input, output, error, actor,
                    approvalRequestId, idempotencyKey, reason, plan, createdAt, startedAt, finishedAt, durationMs,
                    List.copyOf(steps), position);
        }
    }
}
