package io.opsplane.api.approval;

import io.opsplane.api.apikey.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** An approver rejects a request; {@code reason} is required. */
public record RejectRequestCommand(@TargetAggregateIdentifier String requestId, Actor rejecter, String reason,
                                   Instant at) {
}
