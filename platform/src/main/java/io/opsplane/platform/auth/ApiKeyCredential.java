package io.opsplane.platform.auth;

import io.opsplane.api.apikey.ApiKeyIssuedEvent;
import io.opsplane.api.apikey.Scope;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One API key's row in the credentials collection: the index from a presented key's keyed hash
 * ({@link KeyPepper#keyMac}) to its key id, found through a unique index (an exact match, which
 * every MongoDB-compatible store serves from the index), plus what listings and the expiry sweeper
 * need. Authentication never trusts the row alone: it checks the key's own events
 * ({@link ApiKeyAuthenticator}).
 *
 * @param expiredAt when the {@code apikey.expired} event was recorded; {@code null} until then. Authentication
 *                  checks {@code expiresAt} itself; this only tells the expiry sweeper the key is done.
 */
@Document(ApiKeyCredential.COLLECTION)
public record ApiKeyCredential(
        @Id String keyId,
        String keyMac,
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

    /**
     * The collection. It replaced {@code api_key_credentials}, whose rows held the plain SHA-256 of
     * each key; it is rebuilt from the key events, which an older store's keys carry too.
     */
    public static final String COLLECTION = "api_credentials";

    /** The row of a key as issued: what the issuer writes before the event, and the projection after it. */
    public static ApiKeyCredential issued(ApiKeyIssuedEvent event, String keyMac, Instant issuedAt) {
        return new ApiKeyCredential(event.keyId(), keyMac, event.name(), event.principal(), event.kind().wireName(),
                event.owner(), event.scopes().stream().map(Scope::wireName).collect(Collectors.toSet()),
                event.toolPatterns() == null ? List.of() : event.toolPatterns(), event.expiresAt(),
                event.rateLimit() == null ? null : event.rateLimit().perMinute(),
                event.rateLimit() == null ? null : event.rateLimit().burst(),
                event.prefix(), event.lastFour(), issuedAt, null, null);
    }

    public ApiKeyCredential revoked(Instant at) {
        return new ApiKeyCredential(keyId, keyMac, name, principal, kind, owner, scopes, toolPatterns, expiresAt,
                ratePerMinute, rateBurst, prefix, lastFour, issuedAt, at, expiredAt);
    }

    public ApiKeyCredential expired(Instant at) {
        return new ApiKeyCredential(keyId, keyMac, name, principal, kind, owner, scopes, toolPatterns, expiresAt,
                ratePerMinute, rateBurst, prefix, lastFour, issuedAt, revokedAt, at);
    }
}
