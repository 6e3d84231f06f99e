package io.opsplane.platform.auth;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What authentication needs to know about one API key. Projected from the key's events by the
 * command side and read by both applications; found by the SHA-256 of the presented key through a
 * unique index (an exact match, which every MongoDB-compatible store serves from the index).
 *
 * @param expiredAt when the {@code apikey.expired} event was recorded; {@code null} until then. Authentication
 *                  checks {@code expiresAt} itself; this only tells the expiry sweeper the key is done.
 */
@Document("api_key_credentials")
public record ApiKeyCredential(
        @Id String keyId,
        String keyHash,
        String name,
        String principal,
        String kind,
        String owner,
        Set<String> scopes,
        List<String> toolPatterns,
        Instant expiresAt,
        Integer ratePerMinute,
        Integer rateBurst,
        String prefix,
        String lastFour,
        Instant issuedAt,
        Instant revokedAt,
        Instant expiredAt) {

    /** A credential whose expiry has not been recorded. */
    public ApiKeyCredential(String keyId, String keyHash, String name, String principal, String kind, String owner,
                            Set<String> scopes, List<String> toolPatterns, Instant expiresAt, Integer ratePerMinute,
                            Integer rateBurst, String prefix, String lastFour, Instant issuedAt, Instant revokedAt) {
        this(keyId, keyHash, name, principal, kind, owner, scopes, toolPatterns, expiresAt, ratePerMinute, rateBurst,
                prefix, lastFour, issuedAt, revokedAt, null);
    }
}
