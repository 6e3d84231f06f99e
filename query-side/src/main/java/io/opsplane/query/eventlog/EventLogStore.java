package io.opsplane.query.eventlog;

import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import io.opsplane.eventstore.StoredEvent;
import io.opsplane.eventstore.StoredEventLog;
import io.opsplane.query.index.Documents;
import io.opsplane.query.index.KeyedIndex;
import io.opsplane.query.replay.ReadModels;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static org.springframework.data.mongodb.core.query.Criteria.where;

/**
 * The {@code eventlog} collection (one document per event, {@code _id} its position); the {@code eventlog_lists} index:
 * every event and the events of each type, in position order (an aggregate's events are found through the event store's
 * aggregate key, {@link StoredEventLog#readAggregate}); and {@code eventlog_tools}, the tool of each execution and
 * approval request, found by id, so that every entry of one can be labelled with its tool. All are read by exact or
 * {@code $in} matches on {@code _id} only.
 */
@Component
class EventLogStore {

    static final String LISTS = "eventlog_lists";
    /** Entries a page reads at most for a reader limited to some tools, so that a page's cost stays bounded. */
    static final int MAX_SCANNED = 2_000;
    /** Positions lie below 2^40. */
    private static final int KEY_BITS = 40;
    static final String TOOLS = "eventlog_tools";

    private final MongoTemplate mongo;
    private final KeyedIndex lists;
    private final StoredEventLog events;

    EventLogStore(MongoTemplate mongo, StoredEventLog events) {
        this.mongo = mongo;
        this.lists = new KeyedIndex(mongo, LISTS, KEY_BITS);
        this.events = events;
    }

    KeyedIndex.Changes changes() {
        return lists.changes();
    }

    /** Records the lists an event belongs to. */
    static void list(KeyedIndex.Changes changes, EventLogDocument document) {
        long at = document.timestamp().toEpochMilli();
        String id = Long.toString(document.position());
        changes.add(all(), document.position(), id, at);
        changes.add(ofType(document.type()), document.position(), id, at);
    }

    /**
     * Writes a batch: the documents first, then the lists, so that an event a list names is always readable (readers
     * page on after the last event they saw; an entry without its document could make them skip it). Both writes
     * are idempotent, so a batch redelivered after a crash in between changes nothing more.
     */
    void write(Collection<EventLogDocument> documents, KeyedIndex.Changes changes) {
        Documents.replaceAll(mongo, EventLogDocument.COLLECTION, documents, document -> document.position());
        lists.apply(changes);
    }

    Optional<EventLogDocument> findByPosition(long position) {
        return Optional.ofNullable(mongo.findById(position, EventLogDocument.class, entries()));
    }

    /** The entries at positions {@code first..last}, in order: one {@code _id $in} read. */
    List<EventLogDocument> positions(long first, long last) {
        List<Long> positions = new ArrayList<>((int) (last - first + 1));
        for (long position = first; position <= last; position++) {
            positions.add(position);
        }
        return mongo.find(new Query(where("_id").in(positions)), EventLogDocument.class, entries()).stream()
                .sorted(java.util.Comparator.comparingLong(EventLogDocument::position)).toList();
    }

    void deleteAll() {
        mongo.remove(new Query(), EventLogDocument.class, entries());
        mongo.remove(new Query(), ReadModels.collection(TOOLS));
        lists.deleteAll();
    }

    /** Records the tool of each aggregate (an execution or approval request), as its first event names it. */
    void rememberTools(Map<String, String> toolByAggregate) {
        if (toolByAggregate.isEmpty()) {
            return;
        }
        List<WriteModel<Document>> writes = new ArrayList<>();
        toolByAggregate.forEach((aggregateId, tool) -> writes.add(new ReplaceOneModel<>(
                new Document("_id", aggregateId), new Document("_id", aggregateId).append("tool", tool),
                new ReplaceOptions().upsert(true))));
        mongo.getCollection(ReadModels.collection(TOOLS)).bulkWrite(writes);
    }

    /** The tools of those of these aggregates whose first event named one: one {@code $in} read by id. */
    Map<String, String> toolsOf(Collection<String> aggregateIds) {
        Map<String, String> tools = new HashMap<>();
        if (!aggregateIds.isEmpty()) {
            mongo.getCollection(ReadModels.collection(TOOLS))
                    .find(new Document("_id", new Document("$in", List.copyOf(aggregateIds))))
                    .forEach(found -> tools.put(found.getString("_id"), found.getString("tool")));
        }
        return tools;
    }

    /**
     * Up to {@code filter.limit() + 1} events the reader may see, so that the caller knows whether the log goes on:
     * the lists of the requested types (one list without types) after the cursor, merged in position order. A
     * reader limited to some tools who sees few of the entries read gets fewer, and where to resume.
     *
     * @param visible the entries the reading key may see ({@link VisibleEntries})
     */
    Documents.Slice<EventLogDocument> page(EventLogFilter filter, Predicate<EventLogDocument> visible) {
        if (filter.aggregateId().isPresent()) {
            return pageOfAggregate(filter, visible);
        }
        List<String> names = filter.types().isEmpty() ? List.of(all())
                : filter.types().stream().distinct().map(EventLogStore::ofType).toList();
        Long since = filter.since().map(java.time.Instant::toEpochMilli).orElse(null);
        int wanted = filter.limit() + 1;
        List<EventLogDocument> items = new ArrayList<>();
        Long after = filter.after().isPresent() ? filter.after().getAsLong() : null;
        int scanned = 0;
        while (true) {
            KeyedIndex.After from = after == null ? null : new KeyedIndex.After(after, Long.toString(after));
            List<Long> positions = names.stream()
                    .flatMap(name -> lists.read(new KeyedIndex.Page(name, false, from, since, null, wanted)).stream())
                    .map(KeyedIndex.Entry::key).sorted().limit(wanted).toList();
            for (EventLogDocument document : documents(positions)) {
                if (visible.test(document) && items.size() < wanted) {
                    items.add(document);
                }
            }
            scanned += positions.size();
            if (items.size() >= wanted || positions.size() < wanted) {
                return new Documents.Slice<>(items, null);
            }
            after = positions.get(positions.size() - 1);
            if (scanned >= MAX_SCANNED) {
                return new Documents.Slice<>(items, new KeyedIndex.Entry(after, Long.toString(after), 0));
            }
        }
    }

    /**
     * A page of one aggregate's events. The event store already finds an aggregate's events by its unique
     * aggregate-sequence key, so the log keeps no list per aggregate (each would be a tree of nodes written for every
     * new aggregate): the page takes the positions from there and the entries from this collection, filtered by type,
     * time and what the reader may see. It ends at the first event not projected yet, as a list would.
     */
    private Documents.Slice<EventLogDocument> pageOfAggregate(EventLogFilter filter,
                                                              Predicate<EventLogDocument> visible) {
        String aggregateId = filter.aggregateId().orElseThrow();
        long after = filter.after().isPresent() ? filter.after().getAsLong() : -1;
        // Resumes just after the cursor's event when it is one of this aggregate's; otherwise from its first event.
        long sequence = after < 0 ? 0 : events.storedAt(after)
                .filter(event -> aggregateId.equals(event.aggregateIdentifier()) && event.sequenceNumber() != null)
                .map(event -> event.sequenceNumber() + 1).orElse(0L);
        int wanted = filter.limit() + 1;
        List<EventLogDocument> items = new ArrayList<>();
        int scanned = 0;
        while (true) {
            List<StoredEvent> stored = events.readAggregate(aggregateId, sequence, wanted);
            List<Long> positions = stored.stream().map(StoredEvent::position).filter(position -> position > after)
                    .toList();
            Map<Long, EventLogDocument> byPosition = byPosition(positions);
            for (long position : positions) {
                EventLogDocument document = byPosition.get(position);
                if (document == null) {
                    return new Documents.Slice<>(items, null);
                }
                boolean wantedType = filter.types().isEmpty() || filter.types().contains(document.type());
                boolean inTime = filter.since().map(since -> !document.timestamp().isBefore(since)).orElse(true);
                if (wantedType && inTime && visible.test(document) && items.size() < wanted) {
                    items.add(document);
                }
            }
            scanned += stored.size();
            if (items.size() >= wanted || stored.size() < wanted) {
                return new Documents.Slice<>(items, null);
            }
            sequence = stored.get(stored.size() - 1).sequenceNumber() + 1;
            if (scanned >= MAX_SCANNED) {
                long last = stored.get(stored.size() - 1).position();
                return new Documents.Slice<>(items, new KeyedIndex.Entry(last, Long.toString(last), 0));
            }
        }
    }

    private List<EventLogDocument> documents(List<Long> positions) {
        Map<Long, EventLogDocument> byPosition = byPosition(positions);
        return positions.stream().map(byPosition::get).filter(java.util.Objects::nonNull).toList();
    }

    /** The entries at these positions, by position: one {@code _id $in} read (none for no positions). */
    private Map<Long, EventLogDocument> byPosition(List<Long> positions) {
        Map<Long, EventLogDocument> byPosition = new HashMap<>();
        if (!positions.isEmpty()) {
            mongo.find(new Query(where("_id").in(positions)), EventLogDocument.class, entries())
                    .forEach(document -> byPosition.put(document.position(), document));
        }
        return byPosition;
    }

    /** The collection of the entries this thread reads and writes: the live generation, or one a replay builds. */
    private static String entries() {
        return ReadModels.collection(EventLogDocument.COLLECTION);
    }

    private static String all() {
        return "*";
    }

    private static String ofType(String type) {
        return "ty=" + encode(type);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
