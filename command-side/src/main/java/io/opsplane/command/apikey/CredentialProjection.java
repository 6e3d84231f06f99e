package io.opsplane.command.apikey;

import io.opsplane.api.apikey.ApiKeyExpiredEvent;
import io.opsplane.api.apikey.ApiKeyIssuedEvent;
import io.opsplane.api.apikey.ApiKeyRevokedEvent;
import io.opsplane.platform.auth.ApiKeyCredential;
import io.opsplane.platform.auth.CredentialStore;
import io.opsplane.platform.auth.KeyPepper;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.stereotype.Component;

import java.time.Instant;

/**
 * Projects API key events into the credentials rows both applications look keys up by. Writes are
 * whole-document upserts keyed by key id, so a redelivered event changes nothing. The processing
 * group is new with the keyed-hash rows ({@link ApiKeyCredential#COLLECTION}): a store from before
 * them rebuilds its rows from the start of the log.
 */
@Component
@ProcessingGroup(CredentialProjection.PROCESSING_GROUP)
class CredentialProjection {

    static final String PROCESSING_GROUP = "api-credentials";

    private final CredentialStore store;
    private final KeyPepper pepper;

    CredentialProjection(CredentialStore store, KeyPepper pepper) {
        this.store = store;
        this.pepper = pepper;
    }

    @EventHandler
    void on(ApiKeyIssuedEvent event, @Timestamp Instant at) {
        store.save(ApiKeyCredential.issued(event, pepper.keyMacOf(event), at));
    }

    @EventHandler
    void on(ApiKeyRevokedEvent event, @Timestamp Instant at) {
        store.findById(event.keyId()).filter(c -> c.revokedAt() == null).ifPresent(c -> store.save(c.revoked(at)));
    }

    @EventHandler
    void on(ApiKeyExpiredEvent event, @Timestamp Instant at) {
        store.findById(event.keyId()).filter(c -> c.expiredAt() == null).ifPresent(c -> store.save(c.expired(at)));
    }

    @ResetHandler
    void reset() {
        store.deleteAll();
    }
}
