package io.opsplane.api.apikey;

import io.opsplane.api.audit.EventName;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * An API key was issued. Carries the SHA-256 hash of the key, never the key.
 *
 * @param issuedBy who issued it; {@code null} for the bootstrap admin key
 */
@EventName("apikey.issued")
public record ApiKeyIssuedEvent(
        String keyId,
        String name,
        String principal,
        ActorKind kind,
        String owner,
        Set<Scope> scopes,
        List<String> toolPatterns,
        Instant expiresAt,
        RateLimitSpec rateLimit,
        String keyHash,
        String prefix,
        String lastFour,
        Actor issuedBy) {
}
