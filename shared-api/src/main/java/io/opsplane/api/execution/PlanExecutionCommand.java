package io.opsplane.api.execution;

import io.opsplane.api.apikey.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.Map;

/**
 * Records a plan: what a tool would do for an input. Nothing runs.
 *
 * @param input       the validated input, secrets already redacted
 * @param requestHash {@code sha256:} over the canonical request, to detect idempotency key reuse
 */
public record PlanExecutionCommand(
        @TargetAggregateIdentifier String executionId,
        ToolRef tool,
        Map<String, Object> input,
        String reason,
        Actor actor,
        String idempotencyKey,
        String requestHash,
        Plan plan) {
}
