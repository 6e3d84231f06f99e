package io.opsplane.eventstore;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The event log as stored: events by global position with their audit hashes, for readers that need more than
 * Axon's messages (the audit trail, the event log projection, webhooks). Implemented by
 * {@link SequencedMongoEventStorageEngine}; every method reads the store, never a cache.
 */
public interface StoredEventLog {

    /** The highest reserved position, -1 when nothing was ever appended. */
    long headPosition();

    /**
     * Stored events after {@code afterPosition}, in position order, at most {@code limit}, without placeholders.
     * Stops, like tracking, before a position whose commit is still in flight, so paging on with the last returned
     * position never misses an event.
     *
     * @throws IllegalArgumentException when {@code limit} is not positive
     */
    List<StoredEvent> readStored(long afterPosition, int limit);

    /**
     * Every stored event at positions {@code fromPosition..toPosition} (both inclusive), in order, without
     * placeholders, and without waiting for commits in flight: for ranges known to be complete, such as sealed ones.
     */
    List<StoredEvent> readRange(long fromPosition, long toPosition);

    /** The event stored at {@code position}; empty for a placeholder or a free position. */
    Optional<StoredEvent> storedAt(long position);

    /**
     * Stored events of one aggregate from {@code firstSequenceNumber} on, in sequence order (which is position order),
     * at most {@code limit}: read by the unique aggregate-sequence key, so the cost depends on the aggregate, never on
     * the store.
     *
     * @throws IllegalArgumentException when {@code limit} is not positive
     */
    List<StoredEvent> readAggregate(String aggregateIdentifier, long firstSequenceNumber, int limit);

    /** The hash stored with event {@code sequenceNumber} of the aggregate; empty when that event is not stored. */
    Optional<String> storedHash(String aggregateIdentifier, long sequenceNumber);

    /**
     * Some position after {@code position} that holds a document (an event or a placeholder), if any. Not an index
     * read: a range query, for verification only.
     */
    OptionalLong anyPositionStoredAfter(long position);

    /**
     * The position just before the first event stamped at or after {@code instant} (-1 when that is the first
     * event). Timestamps come from writers' clocks, so around the instant the answer is as good as their skew.
     */
    long positionBefore(Instant instant);

    /** How many events a reader of this log should ask for at once (the engine's batch size). */
    int readBatchSize();
}
