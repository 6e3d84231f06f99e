package io.opsplane.command.apikey;

import io.opsplane.api.apikey.ApiKeyExpiredEvent;
import io.opsplane.api.apikey.ApiKeyIssuedEvent;
import io.opsplane.api.apikey.ApiKeyRevokedEvent;
import io.opsplane.api.apikey.Scope;
import io.opsplane.platform.auth.ApiKeyCredential;
import io.opsplane.platform.auth.CredentialStore;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Projects API key events into the credentials both applications authenticate against. Writes
 * are whole-document upserts keyed by key id, so a redelivered event changes nothing.
 */
@Component
@ProcessingGroup(CredentialProjection.PROCESSING_GROUP)
class CredentialProjection {

    static final String PROCESSING_GROUP = "credentials";

    private final CredentialStore store;

    CredentialProjection(CredentialStore store) {
        this.store = store;
    }

    @EventHandler
    void on(ApiKeyIssuedEvent event, @Timestamp Instant at) {
        store.save(new ApiKeyCredential(event.keyId(), event.keyHash(), event.name(), event.principal(),
                event.kind().wireName(), event.owner(),
                event.scopes().stream().map(Scope::wireName).collect(Collectors.toSet()),
                event.toolPatterns() == null ? List.of() : event.toolPatterns(), event.expiresAt(),
                event.rateLimit() == null ? null : event.rateLimit().perMinute(),
                event.rateLimit() == null ? null : event.rateLimit().burst(),
                event.prefix(), event.lastFour(), at, null));
    }

    @EventHandler
    void on(ApiKeyRevokedEvent event, @Timestamp Instant at) {
        store.findById(event.keyId()).filter(c -> c.revokedAt() == null).ifPresent(c -> store.save(
                new ApiKeyCredential(c.keyId(), c.keyHash(), c.name(), c.principal(), c.kind(), c.owner(), c.scopes(),
                        c.toolPatterns(), c.expiresAt(), c.ratePerMinute(), c.rateBurst(), c.prefix(), c.lastFour(),
                        c.issuedAt(), at, c.expiredAt())));
    }

    @EventHandler
    void on(ApiKeyExpiredEvent event, @Timestamp Instant at) {
        store.findById(event.keyId()).filter(c -> c.expiredAt() == null).ifPresent(c -> store.save(
                new ApiKeyCredential(c.keyId(), c.keyHash(), c.name(), c.principal(), c.kind(), c.owner(), c.scopes(),
                        c.toolPatterns(), c.expiresAt(), c.ratePerMinute(), c.rateBurst(), c.prefix(), c.lastFour(),
                        c.issuedAt(), c.revokedAt(), at)));
    }

    @ResetHandler
    void reset() {
        store.deleteAll();
    }
}
