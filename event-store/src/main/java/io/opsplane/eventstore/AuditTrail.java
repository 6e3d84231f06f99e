package io.opsplane.eventstore;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.opsplane.eventstore.audit.AuditHashes;
import io.opsplane.eventstore.audit.ChainVerifier;
import io.opsplane.eventstore.audit.Checkpoint;
import io.opsplane.eventstore.audit.VerificationResult;
import org.bson.Document;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;

/**
 * The tamper-evident side of the event store: seals stored events into checkpoints over global position ranges,
 * verifies the whole chain, and exports events with their hashes and checkpoints.
 * <p>
 * The engine gives every event a hash chained to the previous event of its aggregate when it appends it. That chain
 * cannot cover global positions at append time without a transaction (concurrent commits do not know each other's
 * hashes), so the position chain is sealed afterwards: {@link #seal()} reads events in position order exactly as
 * tracking does (stopping at commits in flight, passing only abandoned holes), and writes checkpoint <i>k</i> over the
 * range after checkpoint <i>k-1</i>, chained to its hash. Checkpoints are inserted by index, so sealers on several
 * instances never write two different checkpoints with one index. See {@code docs/audit.md}.
 */
public class AuditTrail {

    /** Receives an export in order: each sealed range's events, then its checkpoint; then the unsealed tail. */
    public interface ExportSink {

        void event(StoredEvent event);

        void checkpoint(Checkpoint checkpoint);
    }

    private static final String FROM = "from";
    private static final String TO = "to";
    private static final String SKIPPED = "skipped";
    private static final String PREVIOUS_HASH = "previousHash";
    private static final String HASH = "hash";
    private static final String HASHES = "hashes";
    private static final String SEALED_AT = "sealedAt";
    private static final String LAST = "last";

    private final SequencedMongoEventStorageEngine engine;
    private final MongoCollection<Document> events;
    private final MongoCollection<Document> checkpoints;
    private final MongoCollection<Document> sequences;
    private final String pointerId;
    private final int maxEventsPerCheckpoint;

    /**
     * @param engine                 the engine whose events are sealed and verified
     * @param maxEventsPerCheckpoint at most this many events per checkpoint
     */
    public AuditTrail(SequencedMongoEventStorageEngine engine, int maxEventsPerCheckpoint) {
        if (maxEventsPerCheckpoint < 1) {
            throw new IllegalArgumentException("maxEventsPerCheckpoint must be positive");
        }
        this.engine = engine;
        this.events = engine.eventsCollection();
        this.checkpoints = engine.checkpointsCollection();
        this.sequences = engine.sequencesCollection();
        this.pointerId = engine.counterId() + ":checkpoints";
        this.maxEventsPerCheckpoint = maxEventsPerCheckpoint;
    }

    /**
     * Seals every event tracking could deliver now into checkpoints and returns how many were written.
     *
     * @throws IllegalStateException when a checkpoint the pointer counts is gone (the trail was tampered with)
     */
    public synchronized int seal() {
        Checkpoint last = lastCheckpoint();
        int written = 0;
        while (true) {
            long after = last == null ? -1 : last.to();
            List<StoredEvent> sealed = engine.readInOrder(after, maxEventsPerCheckpoint).stream()
                                             .map(SequencedMongoEventStorageEngine::toStoredEvent).toList();
            if (sealed.isEmpty()) {
                return written;
            }
            Checkpoint next = checkpointOver(last, sealed);
            try {
                checkpoints.insertOne(toDocument(next));
                sequences.updateOne(eq("_id", pointerId), Updates.max(LAST, next.index()),
                                    new UpdateOptions().upsert(true));
                written++;
                last = next;
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                // Another instance sealed this index first: continue from what it wrote.
                last = lastCheckpoint();
            }
        }
    }

    private static Checkpoint checkpointOver(Checkpoint last, List<StoredEvent> sealed) {
        long index = last == null ? 0 : last.index() + 1;
        long from = last == null ? 0 : last.to() + 1;
        long to = sealed.get(sealed.size() - 1).position();
        String previous = last == null ? AuditHashes.GENESIS : last.hash();
        List<Long> skipped = new ArrayList<>();
        int next = 0;
        for (long position = from; position <= to; position++) {
            if (sealed.get(next).position() == position) {
                next++;
            } else {
                skipped.add(position);
            }
        }
        List<String> hashes = sealed.stream().map(StoredEvent::hash).toList();
        return new Checkpoint(index, from, to, skipped, hashes, previous,
                              AuditHashes.checkpoint(previous, index, from, to, skipped, hashes));
    }

    /** Checkpoint {@code index}, if it exists. */
    public Checkpoint checkpoint(long index) {
        Document found = checkpoints.find(eq("_id", index)).first();
        return found == null ? null : toCheckpoint(found);
    }

    /** The last sealed checkpoint; null before the first. */
    public Checkpoint lastCheckpoint() {
        long index = pointer();
        while (checkpoints.find(eq("_id", index + 1)).projection(Projections.include("_id")).first() != null) {
            index++;
        }
        if (index < 0) {
            return null;
        }
        Checkpoint last = checkpoint(index);
        if (last == null) {
            throw new IllegalStateException("Audit checkpoint " + index + " is gone; verify the audit trail");
        }
        return last;
    }

    private long pointer() {
        Document pointer = sequences.find(eq("_id", pointerId)).first();
        return pointer == null ? -1 : ((Number) pointer.get(LAST)).longValue();
    }

    /**
     * Verifies the whole store: every sealed range against its checkpoint, every event's hash and its link to the
     * previous event of its aggregate, the unsealed tail up to the head, and that nothing lies beyond the head.
     */
    public VerificationResult verify() {
        ChainVerifier verifier = new ChainVerifier(this::storedHash, true, true);
        long index = 0;
        for (Checkpoint checkpoint = checkpoint(index); checkpoint != null; checkpoint = checkpoint(++index)) {
            if (!verifier.range(checkpoint, storedEvents(checkpoint.from(), checkpoint.to()))) {
                return verifier.result();
            }
        }
        if (pointer() >= index) {
            verifier.broken(verifier.sealedUntil(), "audit checkpoint " + index + " is missing");
            return verifier.result();
        }
        long head = engine.headPosition();
        long after = verifier.sealedUntil() - 1;
        while (after < head) {
            List<StoredEvent> tail = engine.readInOrder(after, engine.readBatchSize()).stream()
                                           .map(SequencedMongoEventStorageEngine::toStoredEvent).toList();
            if (tail.isEmpty()) {
                break;
            }
            if (!verifier.tail(tail)) {
                return verifier.result();
            }
            after = tail.get(tail.size() - 1).position();
        }
        Document beyond = events.find(gt("_id", head)).projection(Projections.include("_id")).first();
        // The head is read again: a commit that reserved after the first read may already be in.
        if (beyond != null && SequencedMongoEventStorageEngine.position(beyond) > engine.headPosition()) {
            long position = SequencedMongoEventStorageEngine.position(beyond);
            verifier.broken(position, "an event is stored at position " + position
                    + ", beyond the last position ever reserved");
        }
        return verifier.result();
    }

    /**
     * Exports the events stamped from {@code since} (inclusive) until {@code until} (exclusive), both optional, widened
     * to whole sealed ranges so that the export verifies on its own: each range's events, then its checkpoint, then the
     * events after the last checkpoint. Timestamps come from writers' clocks, so the bounds are found in position
     * order, like {@code createTokenAt}.
     */
    public void export(Instant since, Instant until, ExportSink sink) {
        long first = since == null ? 0 : SequencedMongoEventStorageEngine.positionOf(engine.createTokenAt(since)) + 1;
        long last = until == null ? Long.MAX_VALUE
                : SequencedMongoEventStorageEngine.positionOf(engine.createTokenAt(until));
        if (last < first) {
            return;
        }
        Checkpoint lastSealed = lastCheckpoint();
        long after = first - 1;
        if (lastSealed != null && first <= lastSealed.to()) {
            for (long index = indexContaining(first, lastSealed.index()); index <= lastSealed.index(); index++) {
                Checkpoint checkpoint = checkpoint(index);
                if (checkpoint == null || checkpoint.from() > last) {
                    return;
                }
                storedEvents(checkpoint.from(), checkpoint.to()).forEach(sink::event);
                sink.checkpoint(checkpoint);
                after = checkpoint.to();
            }
        }
        long head = engine.headPosition();
        while (after < Math.min(head, last)) {
            List<StoredEvent> tail = engine.readInOrder(after, engine.readBatchSize()).stream()
                                           .map(SequencedMongoEventStorageEngine::toStoredEvent).toList();
            if (tail.isEmpty()) {
                return;
            }
            for (StoredEvent event : tail) {
                if (event.position() > last) {
                    return;
                }
                sink.event(event);
            }
            after = tail.get(tail.size() - 1).position();
        }
    }

    /** Binary search with exact reads: the checkpoint whose range holds {@code position}. */
    private long indexContaining(long position, long lastIndex) {
        long low = 0;
        long high = lastIndex;
        while (low < high) {
            long middle = low + (high - low) / 2;
            Checkpoint checkpoint = checkpoint(middle);
            if (checkpoint != null && checkpoint.to() < position) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** Every event document at positions {@code from..to}, placeholders left out, in order; no gap waiting. */
    private List<StoredEvent> storedEvents(long from, long to) {
        List<StoredEvent> found = new ArrayList<>();
        int window = Math.max(engine.readBatchSize(), 500);
        for (long start = from; start <= to; start += window) {
            TreeMap<Long, Document> documents = engine.readPositions(start, Math.min(to, start + window - 1));
            for (Map.Entry<Long, Document> entry : documents.entrySet()) {
                if (!SequencedMongoEventStorageEngine.isPlaceholder(entry.getValue())) {
                    found.add(SequencedMongoEventStorageEngine.toStoredEvent(entry.getValue()));
                }
            }
        }
        return found;
    }

    private String storedHash(String aggregateIdentifier, long sequence) {
        Document found = events.find(eq(SequencedMongoEventStorageEngine.AGGREGATE_SEQUENCE_KEY,
                                        SequencedMongoEventStorageEngine.sequenceKey(aggregateIdentifier, sequence)))
                               .projection(Projections.include(HASH)).first();
        return found == null ? null : found.getString(HASH);
    }

    private static Document toDocument(Checkpoint checkpoint) {
        return new Document("_id", checkpoint.index())
                .append(FROM, checkpoint.from())
                .append(TO, checkpoint.to())
                .append(SKIPPED, checkpoint.skipped())
                .append(HASHES, checkpoint.hashes())
                .append(PREVIOUS_HASH, checkpoint.previousHash())
                .append(HASH, checkpoint.hash())
                .append(SEALED_AT, Instant.now().toString());
    }

    private static Checkpoint toCheckpoint(Document document) {
        List<Long> skipped = new ArrayList<>();
        for (Object position : document.getList(SKIPPED, Object.class, List.of())) {
            skipped.add(((Number) position).longValue());
        }
        return new Checkpoint(((Number) document.get("_id")).longValue(), ((Number) document.get(FROM)).longValue(),
                              ((Number) document.get(TO)).longValue(), skipped,
                              document.getList(HASHES, String.class, List.of()), document.getString(PREVIOUS_HASH),
                              document.getString(HASH));
    }
}
