package io.opsplane.eventstore.audit;

import io.opsplane.eventstore.StoredEvent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The hashes of the audit chain, computed the same way by the engine at append, by the online verification and by
 * the offline verifier. Uses nothing but the JDK so that the offline verifier runs with the event store's jar alone.
 * <p>
 * Every field is written as {@code <length>:<utf-8 text>} (or {@code ~} for null), so no two different field lists
 * share an encoding, whatever characters the payload holds.
 */
public final class AuditHashes {

    /** The previous hash of the first event of every aggregate, of events without an aggregate and of checkpoint 0. */
    public static final String GENESIS = "sha256:" + "0".repeat(64);

    private AuditHashes() {
    }

    /**
     * The hash of one stored event: over the hash of the previous event of its aggregate and the event's canonical
     * content (position, identifiers, sequence, aggregate type, timestamp, payload type and revision, payload and
     * metadata exactly as serialized).
     */
    public static String event(String previousHash, StoredEvent event) {
        Canonical content = new Canonical()
                .field("event")
                .field(previousHash)
                .field(Long.toString(event.position()))
                .field(event.eventIdentifier())
                .field(event.aggregateIdentifier())
                .field(event.sequenceNumber() == null ? null : event.sequenceNumber().toString())
                .field(event.type())
                .field(event.timestamp() == null ? null : event.timestamp().toString())
                .field(event.payloadType())
                .field(event.payloadRevision())
                .field(event.payload())
                .field(event.metadata());
        return content.sha256();
    }

    /**
     * The hash of a checkpoint: over the previous checkpoint's hash, its index and range, the positions that held no
     * event and the hash of every event, in position order.
     */
    public static String checkpoint(String previousHash, long index, long from, long to, List<Long> skipped,
                                    List<String> hashes) {
        Canonical content = new Canonical()
                .field("checkpoint")
                .field(previousHash)
                .field(Long.toString(index))
                .field(Long.toString(from))
                .field(Long.toString(to));
        content.field(Integer.toString(skipped.size()));
        for (Long position : skipped) {
            content.field(Long.toString(position));
        }
        content.field(Integer.toString(hashes.size()));
        for (String hash : hashes) {
            content.field(hash);
        }
        return content.sha256();
    }

    private static final class Canonical {

        private final StringBuilder text = new StringBuilder();

        Canonical field(String value) {
            if (value == null) {
                text.append('~');
            } else {
                text.append(value.getBytes(StandardCharsets.UTF_8).length).append(':').append(value);
            }
            return this;
        }

        String sha256() {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
                return "sha256:" + HexFormat.of().formatHex(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required by every Java platform", e);
            }
        }
    }
}
