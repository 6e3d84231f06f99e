package io.opsplane.api.execution;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.Map;

/** Reports that the tool succeeded with an output. */
public record CompleteExecutionCommand(@TargetAggregateIdentifier String executionId, Map<String, Object> output) {
}
