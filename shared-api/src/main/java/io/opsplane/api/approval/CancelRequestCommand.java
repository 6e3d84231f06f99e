package io.opsplane.api.approval;

import io.opsplane.api.apikey.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * The requester, or an admin, withdraws a request.
 *
 * @param admin whether {@code by} holds the {@code admin} scope
 */
public record CancelRequestCommand(@TargetAggregateIdentifier String requestId, Actor by, boolean admin,
                                   String reason, Instant at) {
}
