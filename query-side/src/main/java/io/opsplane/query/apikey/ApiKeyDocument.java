package io.opsplane.query.apikey;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.CompoundIndex;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;
import java.util.List;

/**
 * One API key in the {@code api_keys} read model: what an administrator may see of it. It holds no
 * key and no hash, only the display prefix and the last four characters.
 *
 * @param rateLimitPerMinute the key's own limit; {@code null} when it uses the default
 * @param createdPosition    the position of the {@code apikey.issued} event; the list order
 * @param lastSequence       the aggregate sequence of the last event applied; a redelivered event at or
 *                           below it is ignored
 */
@Document(ApiKeyDocument.COLLECTION)
@CompoundIndex(name = "newest_first", def = "{'createdPosition': -1, '_id': -1}")
record ApiKeyDocument(
        @Id String keyId,
        String name,
        String principal,
        String kind,
        String owner,
        String prefix,
        String lastFour,
        List<String> scopes,
        List<String> tools,
        Instant expiresAt,
        Integer rateLimitPerMinute,
        Integer rateLimitBurst,
        String issuedBy,
        Instant createdAt,
        long createdPosition,
        Instant revokedAt,
        String revokedBy,
        Instant expiredAt,
        long lastSequence) {

    static final String COLLECTION = "api_keys";

    /** {@code revoked}, {@code expired} (recorded, or past {@code expiresAt} already) or {@code active}. */
    String statusAt(Instant now) {
        if (revokedAt != null) {
            return "revoked";
        }
        if (expiredAt != null || (expiresAt != null && !now.isBefore(expiresAt))) {
            return "expired";
        }
        return "active";
    }

    ApiKeyDocument revoked(Instant at, String by, long sequence) {
        return new ApiKeyDocument(keyId, name, principal, kind, owner, prefix, lastFour, scopes, tools, expiresAt,
                rateLimitPerMinute, rateLimitBurst, issuedBy, createdAt, createdPosition, at, by, expiredAt, sequence);
    }

    ApiKeyDocument expired(Instant at, long sequence) {
        return new ApiKeyDocument(keyId, name, principal, kind, owner, prefix, lastFour, scopes, tools, expiresAt,
                rateLimitPerMinute, rateLimitBurst, issuedBy, createdAt, createdPosition, revokedAt, revokedBy, at,
                sequence);
    }
}
