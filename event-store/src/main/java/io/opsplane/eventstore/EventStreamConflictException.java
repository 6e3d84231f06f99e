package io.opsplane.eventstore;

import org.axonframework.modelling.command.ConcurrencyException;

/**
 * Raised when an append loses the race for an aggregate's sequence number (or repeats an event identifier).
 * <p>
 * Axon's stock engines raise {@code AggregateStreamCreationException} for sequence 0, which is not a
 * {@link ConcurrencyException}; this engine raises this one type for every conflict so callers catch one exception.
 * {@link #isCreation()} tells the creation case apart.
 */
public class EventStreamConflictException extends ConcurrencyException {

    private final String aggregateIdentifier;
    private final long sequenceNumber;

    EventStreamConflictException(String message, String aggregateIdentifier, long sequenceNumber, Throwable cause) {
        super(message, cause);
        this.aggregateIdentifier = aggregateIdentifier;
        this.sequenceNumber = sequenceNumber;
    }

    /** The aggregate whose event stream already held the sequence number, {@code null} for a non-domain event. */
    public String aggregateIdentifier() {
        return aggregateIdentifier;
    }

    /** The sequence number another writer took first, -1 for a non-domain event. */
    public long sequenceNumber() {
        return sequenceNumber;
    }

    /** Whether the conflict was on an aggregate's first event: the aggregate already exists. */
    public boolean isCreation() {
        return sequenceNumber == 0;
    }
}
