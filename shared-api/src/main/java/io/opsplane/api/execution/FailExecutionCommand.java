package io.opsplane.api.execution;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Reports that the tool failed. */
public record FailExecutionCommand(@TargetAggregateIdentifier String executionId, ExecutionError error) {
}
