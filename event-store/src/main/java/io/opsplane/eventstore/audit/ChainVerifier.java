package io.opsplane.eventstore.audit;

import io.opsplane.eventstore.StoredEvent;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the audit chain as it is read, in position order: every event's own hash, its link to the previous event of
 * its aggregate, and every sealed range against its checkpoint. Stops at the first break. Shared by the online
 * verification (reading the store) and the offline verifier (reading an export), so both judge alike.
 */
public final class ChainVerifier {

    /** Where the hashes of events before the ones being read come from. */
    public interface Predecessors {

        /**
         * The stored hash of event {@code sequence} of {@code aggregateId}; null when no such event is stored, or when
         * it cannot be known (an export that starts after it).
         */
        String hashOf(String aggregateId, long sequence);
    }

    private static final int REMEMBERED_AGGREGATES = 10_000;

    private final Predecessors predecessors;
    private final boolean predecessorsComplete;
    private final Map<String, Link> lastSeen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Link> eldest) {
            return size() > REMEMBERED_AGGREGATES;
        }
    };
    private Checkpoint previousCheckpoint;
    private boolean anchored;
    private long checkedEvents;
    private Long firstBroken;
    private String reason;

    /**
     * @param predecessors         looks up events not seen yet in this verification
     * @param predecessorsComplete whether a predecessor it does not find is missing (the whole store is reachable)
     *                             rather than unknown (a partial export)
     * @param fromStart            whether the verification starts at checkpoint 0; otherwise the first checkpoint
     *                             read is taken as the anchor, its own link being unverifiable
     */
    public ChainVerifier(Predecessors predecessors, boolean predecessorsComplete, boolean fromStart) {
        this.predecessors = predecessors;
        this.predecessorsComplete = predecessorsComplete;
        this.anchored = fromStart;
    }

    /** Whether nothing was found broken so far. */
    public boolean ok() {
        return firstBroken == null;
    }

    /**
     * Checks a sealed range: {@code events} are the events stored at positions {@code checkpoint.from()..to()}, in
     * order. Returns whether everything so far is intact.
     */
    public boolean range(Checkpoint checkpoint, List<StoredEvent> events) {
        if (!ok()) {
            return false;
        }
        long expectedIndex = previousCheckpoint == null ? 0 : previousCheckpoint.index() + 1;
        String expectedPrevious = previousCheckpoint == null ? AuditHashes.GENESIS : previousCheckpoint.hash();
        long expectedFrom = previousCheckpoint == null ? 0 : previousCheckpoint.to() + 1;
        if (anchored && (checkpoint.index() != expectedIndex || checkpoint.from() != expectedFrom)) {
            return broken(Math.min(expectedFrom, checkpoint.from()),
                          "checkpoint " + expectedIndex + " starting at position " + expectedFrom + " is missing");
        }
        Set<Long> skipped = new HashSet<>(checkpoint.skipped());
        String recomputed = AuditHashes.checkpoint(checkpoint.previousHash(), checkpoint.index(), checkpoint.from(),
                                                   checkpoint.to(), checkpoint.skipped(), checkpoint.hashes());
        if (!recomputed.equals(checkpoint.hash())
                || checkpoint.hashes().size() + skipped.size() != checkpoint.to() - checkpoint.from() + 1) {
            return broken(checkpoint.from(), "checkpoint " + checkpoint.index() + " was altered");
        }
        int next = 0;
        int sealed = 0;
        for (long position = checkpoint.from(); position <= checkpoint.to(); position++) {
            StoredEvent event = next < events.size() && events.get(next).position() == position ? events.get(next++) : null;
            if (event == null && !skipped.contains(position)) {
                return broken(position, "the event sealed at position " + position + " is missing");
            }
            if (event != null && skipped.contains(position)) {
                return broken(position, "an event was inserted at position " + position
                        + ", which held no event when it was sealed");
            }
            if (event != null && !event(event)) {
                return false;
            }
            if (event != null && !event.hash().equals(checkpoint.hashes().get(sealed++))) {
                return broken(position, "the event at position " + position + " was altered after it was sealed");
            }
        }
        if (next < events.size()) {
            return broken(events.get(next).position(), "an event lies outside the range of its checkpoint");
        }
        if (anchored && !expectedPrevious.equals(checkpoint.previousHash())) {
            return broken(checkpoint.from(), "checkpoint " + checkpoint.index() + " does not follow the previous one");
        }
        previousCheckpoint = checkpoint;
        anchored = true;
        return true;
    }

    /** Checks events after the last sealed range, in position order: their hashes and links only. */
    public boolean tail(List<StoredEvent> events) {
        for (StoredEvent event : events) {
            if (!ok() || !event(event)) {
                return false;
            }
        }
        return ok();
    }

    /** Records a break found by the caller, such as an event stored beyond the last reserved position. */
    public boolean broken(long position, String why) {
        if (firstBroken == null || position < firstBroken) {
            firstBroken = position;
            reason = why;
        }
        return false;
    }

    /** The position after the last sealed range read so far; 0 before any. */
    public long sealedUntil() {
        return previousCheckpoint == null ? 0 : previousCheckpoint.to() + 1;
    }

    public VerificationResult result() {
        return new VerificationResult(ok(), checkedEvents, firstBroken, reason);
    }

    private boolean event(StoredEvent event) {
        checkedEvents++;
        long position = event.position();
        if (event.hash() == null || event.previousHash() == null) {
            return broken(position, "the event at position " + position + " carries no hash");
        }
        if (!AuditHashes.event(event.previousHash(), event).equals(event.hash())) {
            return broken(position, "the event at position " + position + " does not match its hash");
        }
        String aggregate = event.aggregateIdentifier();
        Long sequence = event.sequenceNumber();
        if (aggregate == null || sequence == null || sequence == 0) {
            if (!AuditHashes.GENESIS.equals(event.previousHash())) {
                return broken(position, "the event at position " + position + " claims a predecessor it cannot have");
            }
        } else {
            Link last = lastSeen.get(aggregate);
            String expected = last != null && last.sequence() == sequence - 1
                    ? last.hash() : predecessors.hashOf(aggregate, sequence - 1);
            if (expected == null && predecessorsComplete) {
                return broken(position, "the event before the one at position " + position + " in its aggregate is missing");
            }
            if (expected != null && !expected.equals(event.previousHash())) {
                return broken(position, "the event at position " + position
                        + " does not follow the previous event of its aggregate");
            }
        }
        if (aggregate != null && sequence != null) {
            lastSeen.put(aggregate, new Link(sequence, event.hash()));
        }
        return true;
    }

    private record Link(long sequence, String hash) {
    }
}
