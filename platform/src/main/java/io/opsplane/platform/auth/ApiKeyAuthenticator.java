package io.opsplane.platform.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a presented key into an {@link AuthenticatedKey}, or nothing when the key is unknown,
 * revoked or expired. Lookups are cached briefly ({@code ttl}, well under a second) so that a
 * revocation reaches every node within a second while a busy key does not hit the store on every
 * request.
 */
public class ApiKeyAuthenticator {

    private static final int MAX_CACHED = 10_000;

    private final CredentialStore store;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public ApiKeyAuthenticator(CredentialStore store, Duration ttl, Clock clock) {
        this.store = store;
        this.ttl = ttl;
        this.clock = clock;
    }

    public Optional<AuthenticatedKey> authenticate(String presentedKey) {
        if (presentedKey == null || presentedKey.isBlank() || presentedKey.length() > 512) {
            return Optional.empty();
        }
        String hash = ApiKeySecrets.hash(presentedKey);
        Instant now = clock.instant();
        Cached cached = cache.get(hash);
        if (cached == null || cached.loadedAt.plus(ttl).isBefore(now)) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cached = new Cached(store.findByKeyHash(hash), now);
            cache.put(hash, cached);
        }
        return cached.credential
                .filter(c -> ApiKeySecrets.hashesMatch(c.keyHash(), hash))
                .filter(c -> c.revokedAt() == null)
                .filter(c -> c.expiresAt() == null || now.isBefore(c.expiresAt()))
                .map(AuthenticatedKey::from);
    }

    private record Cached(Optional<ApiKeyCredential> credential, Instant loadedAt) {
    }
}
