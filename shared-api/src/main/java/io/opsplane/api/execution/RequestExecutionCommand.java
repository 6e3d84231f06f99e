package io.opsplane.api.execution;

import io.opsplane.api.apikey.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;
import java.util.Map;

/**
 * Asks for a tool to run. The tool runs outside the aggregate, in a handler that reacts to
 * {@link ExecutionRequestedEvent}, so that a crash between request and outcome is recoverable.
 *
 * @param input             the validated input, secrets already redacted
 * @param requestHash       {@code sha256:} over the canonical request, to detect idempotency key reuse
 * @param approvalRequestId the approval request this execution fulfils, if any
 * @param steps             the steps an orchestrating tool will record, in order; empty otherwise
 */
public record RequestExecutionCommand(
        @TargetAggregateIdentifier String executionId,
        ToolRef tool,
        Map<String, Object> input,
        String reason,
        Actor actor,
        String idempotencyKey,
        String requestHash,
        String approvalRequestId,
        List<String> steps) {

    /** A request for a tool without steps. */
    public RequestExecutionCommand(String executionId, ToolRef tool, Map<String, Object> input, String reason,
                                   Actor actor, String idempotencyKey, String requestHash, String approvalRequestId) {
        this(executionId, tool, input, reason, actor, idempotencyKey, requestHash, approvalRequestId, List.of());
    }
}
