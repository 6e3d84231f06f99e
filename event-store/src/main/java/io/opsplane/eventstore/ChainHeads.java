package io.opsplane.eventstore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The last stored event hash and global position this process saw per aggregate (written by it, or read while
 * loading the aggregate), so that appending the next event does not read its predecessor back from the store, and
 * asking where the last event stands does not either.
 * <p>
 * Safe without invalidation: an entry names the sequence number it belongs to and is used only for exactly that
 * sequence number, and a stored event never changes (the unique aggregate-sequence key lets one writer store each
 * one). Bounded: the least recently touched aggregates are forgotten first, and a forgotten one costs one read.
 */
final class ChainHeads {

    private final Map<String, Head> heads;

    ChainHeads(int capacity) {
        this.heads = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Head> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void remember(String aggregateIdentifier, long sequenceNumber, String hash, long position) {
        if (hash == null) {
            return;
        }
        Head known = heads.get(aggregateIdentifier);
        if (known == null || known.sequenceNumber() <= sequenceNumber) {
            heads.put(aggregateIdentifier, new Head(sequenceNumber, hash, position));
        }
    }

    /** The hash of event {@code sequenceNumber} of the aggregate, if that is the last one this process saw. */
    synchronized Optional<String> hashOf(String aggregateIdentifier, long sequenceNumber) {
        Head known = heads.get(aggregateIdentifier);
        return known != null && known.sequenceNumber() == sequenceNumber ? Optional.of(known.hash())
                : Optional.empty();
    }

    /** The global position of event {@code sequenceNumber} of the aggregate, if that is the last one this process saw. */
    synchronized OptionalLong positionOf(String aggregateIdentifier, long sequenceNumber) {
        Head known = heads.get(aggregateIdentifier);
        return known != null && known.sequenceNumber() == sequenceNumber ? OptionalLong.of(known.position())
                : OptionalLong.empty();
    }

    private record Head(long sequenceNumber, String hash, long position) {
    }
}
