package io.opsplane.api.apikey;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Issues an API key. The caller generates the secret and passes only its keyed hash (HMAC of its
 * SHA-256 under the server's key pepper), its display prefix and last four characters: the secret
 * itself never enters a message.
 */
public record IssueApiKeyCommand(
        @TargetAggregateIdentifier String keyId,
        String name,
        String principal,
        ActorKind kind,
        String owner,
        Set<Scope> scopes,
        List<String> toolPatterns,
        Instant expiresAt,
        RateLimitSpec rateLimit,
        String keyMac,
        String prefix,
        String lastFour,
        Actor issuedBy) {
}
