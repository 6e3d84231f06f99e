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
        Instant revokedAt) {
}
