package io.opsplane.command.apikey;

import java.time.Instant;

/** An expiry was requested for a key that never expires or whose time has not come. */
class KeyNotDueException extends IllegalStateException {

    KeyNotDueException(String keyId, Instant expiresAt) {
        super(expiresAt == null ? "API key " + keyId + " has no expiry"
                : "API key " + keyId + " does not expire before " + expiresAt);
    }
}
