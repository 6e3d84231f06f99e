package io.opsplane.api.apikey;

import io.opsplane.api.audit.EventName;

/** An API key was revoked and authenticates nothing from now on. */
@EventName("apikey.revoked")
public record ApiKeyRevokedEvent(String keyId, Actor revokedBy) {
}
