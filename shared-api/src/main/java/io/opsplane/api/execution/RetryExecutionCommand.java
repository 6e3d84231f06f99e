package io.opsplane.api.execution;

import io.opsplane.api.apikey.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Resumes a failed execution under the same id from its first step that did not succeed.
 *
 * @param actor who asked for the retry
 */
public record RetryExecutionCommand(@TargetAggregateIdentifier String executionId, Actor actor) {
}
