package io.opsplane.eventstore;

/**
 * A tracked event message read from {@link SequencedMongoEventStorageEngine} that carries the hash the store chained
 * it with, so that a consumer showing or checking the audit chain has it without reading the stored event again.
 * Every tracked event the engine delivers is one; a message rebuilt elsewhere (with other metadata, say) may not be.
 */
public interface ChainedEvent {

    /** The event's own hash in the audit chain, as stored with it; {@code null} if the store holds none. */
    String chainHash();

    /** The hash {@code message} carries, or {@code null} when it is not a {@link ChainedEvent} or carries none. */
    static String hashOf(Object message) {
        return message instanceof ChainedEvent chained ? chained.chainHash() : null;
    }
}
