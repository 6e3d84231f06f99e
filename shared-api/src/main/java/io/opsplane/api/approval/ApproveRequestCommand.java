package io.opsplane.api.approval;

import io.opsplane.api.apikey.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * One approver approves a request.
 *
 * @param at the approver's clock; a request past its expiry refuses even before it is recorded expired
 */
public record ApproveRequestCommand(@TargetAggregateIdentifier String requestId, Actor approver, String comment,
                                    Instant at) {
}
