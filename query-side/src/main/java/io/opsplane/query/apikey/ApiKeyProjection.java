package io.opsplane.query.apikey;

import io.opsplane.api.apikey.ApiKeyExpiredEvent;
import io.opsplane.api.apikey.ApiKeyIssuedEvent;
import io.opsplane.api.apikey.ApiKeyRevokedEvent;
import io.opsplane.api.apikey.Principals;
import io.opsplane.api.apikey.Scope;
import io.opsplane.platform.store.EventPositions;
import io.opsplane.query.replay.ReadModel;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The {@code api_keys} read model, projected from the key events. Each write replaces the whole
 * document and is skipped when the event's sequence was applied already, so redelivery changes nothing.
 */
@Component
@ProcessingGroup(ApiKeyProjection.PROCESSING_GROUP)
@ReadModel(ApiKeyDocument.COLLECTION)
class ApiKeyProjection {

    static final String PROCESSING_GROUP = "api-keys";

    private final ApiKeyStore store;

    ApiKeyProjection(ApiKeyStore store) {
        this.store = store;
    }

    @EventHandler
    void on(ApiKeyIssuedEvent event, @Timestamp Instant at, @SequenceNumber long sequence, TrackingToken token) {
        if (store.findById(event.keyId()).isPresent()) {
            return;
        }
        store.save(new ApiKeyDocument(event.keyId(), event.name(), Principals.normalise(event.principal()),
                event.kind().wireName(), Principals.normalise(event.owner()), event.prefix(), event.lastFour(),
                event.scopes().stream().map(Scope::wireName).sorted().toList(),
                event.toolPatterns() == null ? List.of() : event.toolPatterns(), event.expiresAt(),
                event.rateLimit() == null ? null : event.rateLimit().perMinute(),
                event.rateLimit() == null ? null : event.rateLimit().burst(),
                event.issuedBy() == null ? null : event.issuedBy().name(), millis(at), EventPositions.of(token), null,
                null, null, sequence));
    }

    @EventHandler
    void on(ApiKeyRevokedEvent event, @Timestamp Instant at, @SequenceNumber long sequence) {
        store.findById(event.keyId()).filter(d -> d.lastSequence() < sequence).ifPresent(d -> store.save(
                d.revoked(millis(at), event.revokedBy() == null ? null : event.revokedBy().name(), sequence)));
    }

    @EventHandler
    void on(ApiKeyExpiredEvent event, @Timestamp Instant at, @SequenceNumber long sequence) {
        store.findById(event.keyId()).filter(d -> d.lastSequence() < sequence)
                .ifPresent(d -> store.save(d.expired(millis(at), sequence)));
    }

    @ResetHandler
    void reset() {
        store.deleteAll();
    }

    private static Instant millis(Instant at) {
        return at.truncatedTo(ChronoUnit.MILLIS);
    }
}
