package io.opsplane.api.apikey;

import io.opsplane.api.audit.EventName;

import java.time.Instant;

/**
 * An API key passed its {@code expiresAt}. Authentication refused it from that instant already;
 * this event makes the expiry a fact in the audit log and in the key listing.
 *
 * @param expiresAt the expiry the key was issued with
 */
@EventName("apikey.expired")
public record ApiKeyExpiredEvent(String keyId, Instant expiresAt) {
}
