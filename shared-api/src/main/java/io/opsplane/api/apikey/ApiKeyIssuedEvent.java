package io.opsplane.api.apikey;

import io.opsplane.api.audit.EventName;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * An API key was issued. Never carries the key, nor anything that lets a reader test a guess of it.
 *
 * @param keyHash  the plain SHA-256 of the key: only in events recorded before {@code keyMac} existed;
 *                 {@code null} since (it let anyone who reads the log test guesses of a weak key)
 * @param issuedBy who issued it; {@code null} for the bootstrap admin key
 * @param keyMac   the keyed hash of the key's SHA-256 under the server's key pepper (HMAC-SHA256, hex);
 *                 binds the key id to the key, so that a credential row only counts when this event backs it
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
        Actor issuedBy,
        String keyMac) {
}
