package io.opsplane.platform.auth;

import io.opsplane.api.apikey.ApiKeyExpiredEvent;
import io.opsplane.api.apikey.ApiKeyIssuedEvent;
import io.opsplane.api.apikey.ApiKeyRevokedEvent;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a presented key into an {@link AuthenticatedKey}, or nothing when the key is unknown,
 * revoked or expired.
 *
 * <ul>
 *   <li>The credentials row is only an index from the key's keyed hash to its key id. What the key
 *       may do, and whether it is still alive, comes from the key's own events, and the issuing
 *       event must carry the same keyed hash: a row written into the store behind the application's
 *       back, or edited there, authenticates nothing.</li>
 *   <li>A key is usable the moment its issuer answers: the issuer writes the row before the event,
 *       and a key this node does not know is always looked up (two exact lookups), never refused
 *       from a cache.</li>
 *   <li>What the event log said about a known key is reused for {@code ttl} (well under a second),
 *       so that a revocation reaches every node within a second while a busy key does not hit the
 *       store on every request.</li>
 * </ul>
 */
public class ApiKeyAuthenticator {

    private static final int MAX_CACHED = 10_000;
    private static final int MAX_KEY_LENGTH = 512;
    private static final Logger log = LoggerFactory.getLogger(ApiKeyAuthenticator.class);

    private final CredentialStore store;
    private final EventStore events;
    private final KeyPepper pepper;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Verified> cache = new ConcurrentHashMap<>();

    public ApiKeyAuthenticator(CredentialStore store, EventStore events, KeyPepper pepper, Duration ttl, Clock clock) {
        this.store = store;
        this.events = events;
        this.pepper = pepper;
        this.ttl = ttl;
        this.clock = clock;
    }

    public Optional<AuthenticatedKey> authenticate(String presentedKey) {
        if (!isPlausible(presentedKey)) {
            return Optional.empty();
        }
        String keyMac = pepper.keyMac(ApiKeySecrets.hash(presentedKey));
        Instant now = clock.instant();
        Verified verified = cache.get(keyMac);
        if (verified == null || verified.checkedAt.plus(ttl).isBefore(now)) {
            Optional<Verified> fromLog = store.findByKeyMac(keyMac).flatMap(row -> verify(row, keyMac, now));
            if (fromLog.isEmpty()) {
                cache.remove(keyMac);
                return Optional.empty();
            }
            verified = fromLog.get();
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(keyMac, verified);
        }
        return verified.activeAt(now);
    }

    /** Printable ASCII of a sane length: anything else cannot be a key and costs no lookup. */
    private static boolean isPlausible(String key) {
        return key != null && !key.isEmpty() && key.length() <= MAX_KEY_LENGTH
                && key.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /** The key as its events describe it, if they back the row. */
    private Optional<Verified> verify(ApiKeyCredential row, String keyMac, Instant now) {
        ApiKeyIssuedEvent issued = null;
        boolean ended = false;
        DomainEventStream stream = events.readEvents(row.keyId(), 0);
        while (stream.hasNext()) {
            Object payload = stream.next().getPayload();
            if (payload instanceof ApiKeyIssuedEvent event) {
                issued = event;
            } else if (payload instanceof ApiKeyRevokedEvent || payload instanceof ApiKeyExpiredEvent) {
                ended = true;
            }
        }
        if (issued == null || !KeyPepper.macsMatch(pepper.keyMacOf(issued), keyMac)) {
            log.warn("Refused a key whose credential row {} is not backed by an apikey.issued event with the same"
                    + " keyed hash (a row written or changed outside the application?)", row.keyId());
            return Optional.empty();
        }
        return Optional.of(new Verified(ended ? null : AuthenticatedKey.from(issued), issued.expiresAt(), now));
    }

    /** What the event log said about a key: {@code key} is null when it was revoked or expired. */
    private record Verified(AuthenticatedKey key, Instant expiresAt, Instant checkedAt) {

        Optional<AuthenticatedKey> activeAt(Instant now) {
            return Optional.ofNullable(key).filter(k -> expiresAt == null || now.isBefore(expiresAt));
        }
    }
}
