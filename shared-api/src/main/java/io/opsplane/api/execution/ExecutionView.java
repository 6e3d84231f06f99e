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
        return new ExecutionView(executionId, tool, toolVersion, mode, status, input, output, error, actor,
                approvalRequestId, idempotencyKey, reason, plan, createdAt, startedAt, finishedAt, durationMs,
                steps, newPosition);
    }
}
