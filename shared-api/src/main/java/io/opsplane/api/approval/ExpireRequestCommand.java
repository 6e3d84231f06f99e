package io.opsplane.api.approval;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Records that a request's time ran out; sent by the expiry sweeper as of {@code asOf}. */
public record ExpireRequestCommand(@TargetAggregateIdentifier String requestId, Instant asOf) {
}
