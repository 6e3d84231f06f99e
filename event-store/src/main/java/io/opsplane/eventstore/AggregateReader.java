package io.opsplane.eventstore;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import org.bson.Document;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static io.opsplane.eventstore.EventDocuments.AGGREGATE_SEQUENCE_KEY;
import static io.opsplane.eventstore.EventDocuments.sequenceKey;
import static io.opsplane.eventstore.EventDocuments.sequenceNumber;

/**
 * Reads one aggregate's events through the unique aggregate-sequence key only: windowed loads, its last sequence
 * number by probing, one event by its sequence number. Never a range, a sort or a scan.
 */
final class AggregateReader {

    private static final int PROBES_PER_ROUND = 64;
    private static final int FIRST_WINDOW = 16;

    private final MongoCollection<Document> events;

    AggregateReader(MongoCollection<Document> events) {
        this.events = events;
    }

    /**
     * Up to {@code batchSize} events of the aggregate from {@code firstSequenceNumber} on, in sequence order, read by
     * {@code $in} over their unique keys in windows of {@value #FIRST_WINDOW} keys, doubling while windows come back
     * full. Most aggregates have a handful of events, so a load asks the index for a few keys instead of a whole
     * batch (on the embedded H2 store every key asked for is a B-tree search, found or not). Fewer than
     * {@code batchSize} returned means the aggregate ends there, as Axon expects.
     */
    List<Document> load(String aggregateIdentifier, long firstSequenceNumber, int batchSize) {
        List<Document> found = new ArrayList<>();
        long next = firstSequenceNumber;
        int window = Math.min(FIRST_WINDOW, batchSize);
        while (found.size() < batchSize) {
            int count = Math.min(window, batchSize - found.size());
            Map<Long, Document> bySequence = readSequences(aggregateIdentifier, next, count);
            long sequence = next;
            for (; bySequence.containsKey(sequence); sequence++) {
                found.add(bySequence.get(sequence));
            }
            if (sequence - next < count) {
                break;
            }
            next = sequence;
            window *= 2;
        }
        return found;
    }

    /**
     * The aggregate's last sequence number, found by probing unique keys, never scanning: a gallop over powers of
     * two, then rounds of {@value #PROBES_PER_ROUND} evenly spaced probes. Relies on an aggregate's sequence numbers
     * being contiguous from 0, which Axon guarantees.
     */
    Optional<Long> lastSequenceNumber(String aggregateIdentifier) {
        List<Long> probes = new ArrayList<>();
        for (long sequence = 0; sequence < PROBES_PER_ROUND; sequence++) {
            probes.add(sequence);
        }
        for (long sequence = PROBES_PER_ROUND; sequence > 0 && sequence < Long.MAX_VALUE / 2; sequence *= 2) {
            probes.add(sequence);
        }
        long known = -1;
        long missing = Long.MAX_VALUE;
        while (true) {
            Map<Long, Document> found = readKeys(probes.stream().map(s -> sequenceKey(aggregateIdentifier, s)).toList());
            for (long probe : probes) {
                if (found.containsKey(probe)) {
                    known = Math.max(known, probe);
                }
            }
            for (long probe : probes) {
                if (probe > known && !found.containsKey(probe)) {
                    missing = Math.min(missing, probe);
                }
            }
            if (known < 0) {
                return Optional.empty();
            }
            if (missing - known <= 1) {
                return Optional.of(known);
            }
            probes = new ArrayList<>();
            long step = Math.max(1, (missing - known) / PROBES_PER_ROUND);
            for (long probe = known + step; probe < missing; probe += step) {
                probes.add(probe);
            }
        }
    }

    /** Event {@code sequenceNumber} of the aggregate as stored, with only the given fields. */
    Optional<Document> find(String aggregateIdentifier, long sequenceNumber, String... fields) {
        return Optional.ofNullable(events.find(eq(AGGREGATE_SEQUENCE_KEY, sequenceKey(aggregateIdentifier,
                                                                                      sequenceNumber)))
                                         .projection(Projections.include(fields))
                                         .first());
    }

    private Map<Long, Document> readSequences(String aggregateIdentifier, long first, int count) {
        List<String> keys = new ArrayList<>(count);
        for (long sequence = first; sequence < first + count; sequence++) {
            keys.add(sequenceKey(aggregateIdentifier, sequence));
        }
        return readKeys(keys);
    }

    private Map<Long, Document> readKeys(List<String> keys) {
        Map<Long, Document> bySequence = new HashMap<>();
        for (Document document : events.find(in(AGGREGATE_SEQUENCE_KEY, keys))) {
            bySequence.put(sequenceNumber(document), document);
        }
        return bySequence;
    }
}
