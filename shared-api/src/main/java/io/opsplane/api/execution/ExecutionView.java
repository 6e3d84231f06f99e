package io.opsplane.api.execution;

import io.opsplane.api.apikey.Actor;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An execution as clients see it, folded from its events by {@link ExecutionViewReducer}. The
 * command side builds it from the aggregate's stream to answer synchronously; the query side keeps
 * it as a read model. Both therefore answer with the same shape.
 *
 * @param position the global position of the last event folded in
 */
public record ExecutionView(
        String executionId,
        String tool,
        String toolVersion,
        ExecutionMode mode,
        ExecutionStatus status,
        Map<String, Object> input,
        Map<String, Object> output,
        ExecutionError error,
        Actor actor,
        String approvalRequestId,
        String idempotencyKey,
        String reason,
        Plan plan,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Long durationMs,
        List<StepView> steps,
        long position) {

    /** This view with the position of a later event. */
    public ExecutionView atPosition(long newPosition) {
        return toBuilder().position(newPosition).build();
    }

    /** A view built by naming its fields; those not named are null (position 0). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this view. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Names each field of an {@link ExecutionView}; {@link #build()} takes the values as given. */
    public static final class Builder {
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
        private List<StepView> steps;
        private long position;

        private Builder() {
        }

        private Builder(ExecutionView view) {
            executionId = view.executionId;
            tool = view.tool;
            toolVersion = view.toolVersion;
            mode = view.mode;
            status = view.status;
            input = view.input;
            output = view.output;
            error = view.error;
            actor = view.actor;
            approvalRequestId = view.approvalRequestId;
            idempotencyKey = view.idempotencyKey;
            reason = view.reason;
            plan = view.plan;
            createdAt = view.createdAt;
            startedAt = view.startedAt;
            finishedAt = view.finishedAt;
            durationMs = view.durationMs;
            steps = view.steps;
            position = view.position;
        }

        public Builder executionId(String executionId) {
            this.executionId = executionId;
            return this;
        }

        public Builder tool(String tool) {
            this.tool = tool;
            return this;
        }

        public Builder toolVersion(String toolVersion) {
            this.toolVersion = toolVersion;
            return this;
        }

        public Builder mode(ExecutionMode mode) {
            this.mode = mode;
            return this;
        }

        public Builder status(ExecutionStatus status) {
            this.status = status;
            return this;
        }

        public Builder input(Map<String, Object> input) {
            this.input = input;
            return this;
        }

        public Builder output(Map<String, Object> output) {
            this.output = output;
            return this;
        }

        public Builder error(ExecutionError error) {
            this.error = error;
            return this;
        }

        public Builder actor(Actor actor) {
            this.actor = actor;
            return this;
        }

        public Builder approvalRequestId(String approvalRequestId) {
            this.approvalRequestId = approvalRequestId;
            return this;
        }

        public Builder idempotencyKey(String idempotencyKey) {
            this.idempotencyKey = idempotencyKey;
            return this;
        }

        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        public Builder plan(Plan plan) {
            this.plan = plan;
            return this;
        }

        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        public Builder startedAt(Instant startedAt) {
            this.startedAt = startedAt;
            return this;
        }

        public Builder finishedAt(Instant finishedAt) {
            this.finishedAt = finishedAt;
            return this;
        }

        public Builder durationMs(Long durationMs) {
            this.durationMs = durationMs;
            return this;
        }

        public Builder steps(List<StepView> steps) {
            this.steps = steps;
            return this;
        }

        public Builder position(long position) {
            this.position = position;
            return this;
        }

        public ExecutionView build() {
            return new ExecutionView(executionId, tool, toolVersion, mode, status, input, output, error, actor,
                    approvalRequestId, idempotencyKey, reason, plan, createdAt, startedAt, finishedAt, durationMs,
                    steps, position);
        }
    }
}
