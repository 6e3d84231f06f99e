package io.opsplane.api.execution;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Claims a requested execution for running. Answers with a {@link StartDecision}: a runner runs
 * the tool only on {@link StartDecision#RUN}.
 *
 * @param runner a name for the process that claims it, for the audit trail
 */
public record StartExecutionCommand(@TargetAggregateIdentifier String executionId, String runner) {
}
