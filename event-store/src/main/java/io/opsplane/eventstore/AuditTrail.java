package io.opsplane.eventstore;

import io.opsplane.eventstore.audit.AuditHashes;
import io.opsplane.eventstore.audit.ChainVerifier;
import io.opsplane.eventstore.audit.Checkpoint;
import io.opsplane.eventstore.audit.VerificationResult;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

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

    private final StoredEventLog log;
    private final CheckpointStore checkpoints;
    private final int maxEventsPerCheckpoint;

    /**
     * @param engine                 the engine whose events are sealed and verified, and whose configured
     *                               collections hold the checkpoints
     * @param maxEventsPerCheckpoint at most this many events per checkpoint
     */
    public AuditTrail(SequencedMongoEventStorageEngine engine, int maxEventsPerCheckpoint) {
        this(engine, engine.checkpointStore(), maxEventsPerCheckpoint);
    }

    /**
     * @param log                    the events to seal and verify
     * @param checkpoints            where the checkpoints over them are kept
     * @param maxEventsPerCheckpoint at most this many events per checkpoint
     */
    public AuditTrail(StoredEventLog log, CheckpointStore checkpoints, int maxEventsPerCheckpoint) {
        if (maxEventsPerCheckpoint < 1) {
            throw new IllegalArgumentException("maxEventsPerCheckpoint must be positive");
        }
        this.log = log;
        this.checkpoints = checkpoints;
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
            List<StoredEvent> sealed = log.readStored(after, maxEventsPerCheckpoint);
            if (sealed.isEmpty()) {
                return written;
            }
            Checkpoint next = checkpointOver(last, sealed);
            if (checkpoints.append(next)) {
                written++;
                last = next;
            } else {
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
        return checkpoints.find(index).orElse(null);
    }

    /** The last sealed checkpoint; null before the first. */
    public Checkpoint lastCheckpoint() {
        long index = checkpoints.pointer();
        while (checkpoints.exists(index + 1)) {
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

    /**
     * Verifies the whole store: every sealed range against its checkpoint, every event's hash and its link to the
     * previous event of its aggregate, the unsealed tail up to the head, and that nothing lies beyond the head.
     */
    public VerificationResult verify() {
        ChainVerifier verifier = new ChainVerifier(this::storedHash, true, true);
        long index = 0;
        for (Checkpoint checkpoint = checkpoint(index); checkpoint != null; checkpoint = checkpoint(++index)) {
            if (!verifier.range(checkpoint, log.readRange(checkpoint.from(), checkpoint.to()))) {
                return verifier.result();
            }
        }
        if (checkpoints.pointer() >= index) {
            verifier.broken(verifier.sealedUntil(), "audit checkpoint " + index + " is missing");
            return verifier.result();
        }
        long head = log.headPosition();
        long after = verifier.sealedUntil() - 1;
        while (after < head) {
            List<StoredEvent> tail = log.readStored(after, log.readBatchSize());
            if (tail.isEmpty()) {
                break;
            }
            if (!verifier.tail(tail)) {
                return verifier.result();
            }
            after = tail.get(tail.size() - 1).position();
        }
        OptionalLong beyond = log.anyPositionStoredAfter(head);
        // The head is read again: a commit that reserved after the first read may already be in.
        if (beyond.isPresent() && beyond.getAsLong() > log.headPosition()) {
            long position = beyond.getAsLong();
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
        long first = since == null ? 0 : log.positionBefore(since) + 1;
        long last = until == null ? Long.MAX_VALUE : log.positionBefore(until);
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
                log.readRange(checkpoint.from(), checkpoint.to()).forEach(sink::event);
                sink.checkpoint(checkpoint);
                after = checkpoint.to();
            }
        }
        long head = log.headPosition();
        while (after < Math.min(head, last)) {
            List<StoredEvent> tail = log.readStored(after, log.readBatchSize());
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

    private String storedHash(String aggregateIdentifier, long sequence) {
        return log.storedHash(aggregateIdentifier, sequence).orElse(null);
    }
}
