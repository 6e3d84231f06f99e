package io.opsplane.api.apikey;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Records that an API key reached its expiry. Sent by the expiry sweeper; the aggregate refuses it
 * before the key's {@code expiresAt} and ignores it for a key that is already expired or revoked.
 *
 * @param asOf the time the sender observed; must not be before the key's {@code expiresAt}
 */
public record ExpireApiKeyCommand(@TargetAggregateIdentifier String keyId, Instant asOf) {
}
