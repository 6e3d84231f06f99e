package io.opsplane.api.execution;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Reports that one step of an orchestrating tool failed. */
public record RecordStepFailedCommand(@TargetAggregateIdentifier String executionId, String step, ExecutionError error) {
}
