package io.opsplane.eventstore;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import org.bson.Document;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.in;
import static io.opsplane.eventstore.EventDocuments.POSITION;
import static io.opsplane.eventstore.EventDocuments.isPlaceholder;
import static io.opsplane.eventstore.EventDocuments.position;

/**
 * Reads the log by global position: in order and gap-aware, as tracking processors see it (waiting at a commit in
 * flight, passing a hole only once {@link GapTracker} abandons it, skipping placeholders); whole ranges without
 * waiting; and the position an instant falls at. Every read is {@code _id $in} a window of positions.
 */
final class PositionReader {

    private static final int MIN_RANGE_WINDOW = 500;

    private final MongoCollection<Document> events;
    private final PositionCounter counter;
    private final GapTracker gaps;
    private final Clock clock;
    private final int window;

    /**
     * @param window positions per read when looking for the first event after an instant; range reads use at least
     *               {@value #MIN_RANGE_WINDOW}
     */
    PositionReader(MongoCollection<Document> events, PositionCounter counter, Duration gapTimeout, Clock clock,
                   int window) {
        this.events = events;
        this.counter = counter;
        this.gaps = new GapTracker(gapTimeout);
        this.clock = clock;
        this.window = window;
    }

    /**
     * Stored events after {@code after} in position order, at most {@code limit}. Reads windows of {@code limit}
     * positions; stops at the first hole readers must still wait for, skips placeholders and abandoned holes. An idle
     * poll costs one exact lookup of the counter.
     */
    List<Document> readInOrder(long after, int limit) {
        long head = counter.head();
        List<Document> deliverable = new ArrayList<>();
        long next = after + 1;
        while (next <= head && deliverable.size() < limit) {
            long end = Math.min(head, next + limit - 1);
            TreeMap<Long, Document> found = readPositions(next, end);
            long nowNanos = System.nanoTime();
            long nowMillis = clock.millis();
            for (long position = next; position <= end; position++) {
                if (found.containsKey(position)) {
                    gaps.present(position);
                } else {
                    gaps.missing(position, nowNanos);
                }
            }
            for (long position = next; position <= end; position++) {
                Document document = found.get(position);
                if (document == null) {
                    if (position == head) {
                        return deliverable;
                    }
                    Map.Entry<Long, Document> later = found.higherEntry(position);
                    Long laterReservedAt = later == null ? null : EventDocuments.reservedAt(later.getValue());
                    if (!gaps.mayPass(position, laterReservedAt, nowNanos, nowMillis)) {
                        return deliverable;
                    }
                } else if (!isPlaceholder(document)) {
                    deliverable.add(document);
                    if (deliverable.size() == limit) {
                        return deliverable;
                    }
                }
            }
            next = end + 1;
        }
        return deliverable;
    }

    /** Every event at positions {@code from..to}, placeholders left out, in order; no gap waiting. */
    List<Document> readRange(long from, long to) {
        List<Document> found = new ArrayList<>();
        int rangeWindow = Math.max(window, MIN_RANGE_WINDOW);
        for (long start = from; start <= to; start += rangeWindow) {
            for (Document document : readPositions(start, Math.min(to, start + rangeWindow - 1)).values()) {
                if (!isPlaceholder(document)) {
                    found.add(document);
                }
            }
        }
        return found;
    }

    /** The event at {@code position}, a placeholder included. */
    Optional<Document> readAt(long position) {
        return Optional.ofNullable(events.find(eq(POSITION, position)).first());
    }

    /**
     * A position just before the first event stamped at or after {@code dateTime}: a binary search over positions
     * with exact lookups. Timestamps come from writers' clocks, so around the instant the answer is as good as their
     * skew.
     */
    long positionBefore(Instant dateTime) {
        long low = 0;
        long high = counter.head() + 1;
        while (low < high) {
            long middle = low + (high - low) / 2;
            Document found = firstEventFrom(middle, high);
            if (found == null || !EventDocuments.timestamp(found).isBefore(dateTime)) {
                high = middle;
            } else {
                low = position(found) + 1;
            }
        }
        return low - 1;
    }

    /** Some position beyond {@code position} holding a document, placeholders included; a range read. */
    OptionalLong anyStoredAfter(long position) {
        Document beyond = events.find(gt(POSITION, position)).projection(Projections.include(POSITION)).first();
        return beyond == null ? OptionalLong.empty() : OptionalLong.of(position(beyond));
    }

    long abandonedGaps() {
        return gaps.abandonedCount();
    }

    private Document firstEventFrom(long from, long until) {
        for (long start = from; start < until; start += window) {
            long end = Math.min(until - 1, start + window - 1);
            Optional<Document> first = readPositions(start, end).values().stream()
                                                                .filter(document -> !isPlaceholder(document))
                                                                .findFirst();
            if (first.isPresent()) {
                return first.get();
            }
        }
        return null;
    }

    private TreeMap<Long, Document> readPositions(long first, long last) {
        List<Long> positions = new ArrayList<>((int) (last - first + 1));
        for (long position = first; position <= last; position++) {
            positions.add(position);
        }
        TreeMap<Long, Document> byPosition = new TreeMap<>();
        for (Document document : events.find(in(POSITION, positions))) {
            byPosition.put(position(document), document);
        }
        return byPosition;
    }
}
