package io.opsplane.api.apikey;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Revokes an API key at once. Revoking a revoked key changes nothing. */
public record RevokeApiKeyCommand(@TargetAggregateIdentifier String keyId, Actor revokedBy) {
}
