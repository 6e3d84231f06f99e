package io.opsplane.api.execution;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.Map;

/** Reports that one step of an orchestrating tool succeeded. */
public record RecordStepSucceededCommand(
        @TargetAggregateIdentifier String executionId, String step, Map<String, Object> output) {
}
