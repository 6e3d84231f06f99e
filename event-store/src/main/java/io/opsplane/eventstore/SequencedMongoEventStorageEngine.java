package io.opsplane.eventstore;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import org.axonframework.common.AxonConfigurationException;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventUtils;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.eventsourcing.eventstore.BatchingEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.eventsourcing.snapshotting.SnapshotFilter;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;

/**
 * Axon {@link org.axonframework.eventsourcing.eventstore.EventStorageEngine} on MongoDB that gives every event a
 * global, gap-tolerant {@code position} and delivers events to tracking processors strictly in that order.
 * <p>
 * Each commit reserves a contiguous block of positions with one atomic {@code $inc} on a counter document, then
 * inserts its events with {@code _id} = position. Every read is an exact or {@code $in} match on a unique index
 * ({@code _id}, {@code aggregateSequenceKey}), the only access paths that both MongoDB and the embedded
 * mongo-java-server serve without a collection scan, so append, aggregate load and a tracking poll cost the same at
 * any store size. Readers stop at the first reserved but unwritten position (a commit in flight) and pass it only
 * after the gap timeout (see {@link GapTracker}); a writer that fails after reserving fills its positions with
 * placeholders that readers skip, so routine concurrency conflicts never make readers wait. Tracking tokens are
 * {@link GapAwareTrackingToken}s without gaps: a few dozen bytes whatever the write rate.
 * <p>
 * On a replica set or sharded cluster (detected from the server's handshake) the inserts of one commit run in a
 * transaction when a {@link MongoClient} is given. Without transactions the events of a commit are inserted from the
 * last position to the first, so tracking readers, who stop at the first missing position, never see part of a
 * commit; a failed commit's inserted events are replaced by placeholders.
 * See {@code docs/adr/0002-event-store-global-sequence.md}.
 */
public class SequencedMongoEventStorageEngine extends BatchingEventStorageEngine {

    private static final Logger log = LoggerFactory.getLogger(SequencedMongoEventStorageEngine.class);

    static final String POSITION = "_id";
    static final String AGGREGATE_SEQUENCE_KEY = "aggregateSequenceKey";
    static final String EVENT_IDENTIFIER = "eventIdentifier";
    static final String AGGREGATE_IDENTIFIER = "aggregateIdentifier";
    static final String SEQUENCE_NUMBER = "sequenceNumber";
    static final String TYPE = "type";
    static final String TIMESTAMP = "timestamp";
    static final String PAYLOAD_TYPE = "payloadType";
    static final String PAYLOAD_REVISION = "payloadRevision";
    static final String PAYLOAD = "payload";
    static final String METADATA = "metaData";
    static final String RESERVED_AT = "reservedAt";
    static final String PLACEHOLDER = "placeholder";
    static final String RESERVED = "reserved";
    static final String PREVIOUS_HASH = "previousHash";
    static final String HASH = "hash";

    private static final int PROBES_PER_ROUND = 64;
    private static final int CHAIN_HEADS_CACHED = 10_000;
    private static final int FIRST_AGGREGATE_WINDOW = 16;

    private final MongoCollection<Document> events;
    private final MongoCollection<Document> snapshots;
    private final MongoCollection<Document> sequences;
    private final MongoCollection<Document> checkpoints;
    private final String counterId;
    private final MongoClient mongoClient;
    private final Clock clock;
    private final long reReserveAfterNanos;
    private final GapTracker gaps;
    private final ReservationHook reservationHook;
    private final boolean transactions;
    private final ChainHeads chainHeads = new ChainHeads(CHAIN_HEADS_CACHED);

    protected SequencedMongoEventStorageEngine(Builder builder) {
        super(builder);
        MongoDatabase database = builder.database;
        this.events = database.getCollection(builder.eventsCollection);
        this.snapshots = database.getCollection(builder.snapshotsCollection);
        this.sequences = database.getCollection(builder.sequenceCollection);
        this.checkpoints = database.getCollection(builder.checkpointsCollection);
        this.counterId = builder.eventsCollection;
        this.mongoClient = builder.mongoClient;
        this.clock = builder.clock;
        this.reReserveAfterNanos = builder.gapTimeout.toNanos() / 2;
        this.gaps = new GapTracker(builder.gapTimeout);
        this.reservationHook = builder.reservationHook;
        ensureIndexes();
        this.transactions = decideTransactions(ServerCapabilities.detect(database), mongoClient);
    }

    /**
     * Returns a builder. Defaults: collections {@code events}, {@code snapshots} and {@code event_sequence}, batch
     * size 100, gap timeout 10 s, the system UTC clock, no upcasters; the database and both serializers are
     * required, and a {@link MongoClient} is needed to use transactions on servers that offer them.
     */
    public static Builder builder() {
        return new Builder();
    }

    private static boolean decideTransactions(ServerCapabilities capabilities, MongoClient client) {
        if (capabilities.transactions() && client == null) {
            log.warn("The MongoDB server supports transactions but no MongoClient was given to the event store; "
                             + "commits run without transactions");
        }
        return capabilities.transactions() && client != null;
    }

    /** Creates the unique indexes every read relies on; idempotent, run when the engine is built. */
    public void ensureIndexes() {
        events.createIndex(Indexes.ascending(AGGREGATE_SEQUENCE_KEY), new IndexOptions().unique(true));
        events.createIndex(Indexes.ascending(EVENT_IDENTIFIER), new IndexOptions().unique(true));
        sequences.updateOne(eq(POSITION, counterId), Updates.setOnInsert(RESERVED, 0L),
                            new UpdateOptions().upsert(true));
    }

    MongoCollection<Document> eventsCollection() {
        return events;
    }

    MongoCollection<Document> checkpointsCollection() {
        return checkpoints;
    }

    MongoCollection<Document> sequencesCollection() {
        return sequences;
    }

    String counterId() {
        return counterId;
    }

    int readBatchSize() {
        return batchSize();
    }

    /** Whether commits run in server transactions: decided from the server's handshake, never configured. */
    public boolean transactionsEnabled() {
        return transactions;
    }

    /** How many reserved positions readers in this process gave up waiting for since start. */
    public long abandonedGaps() {
        return gaps.abandonedCount();
    }

    /** The highest reserved position, -1 when nothing was ever appended. */
    public long headPosition() {
        Document counter = sequences.find(eq(POSITION, counterId)).first();
        return counter == null ? -1 : ((Number) counter.get(RESERVED)).longValue() - 1;
    }

    /** The global position of one domain event, found through the unique aggregate-sequence key. */
    public OptionalLong positionOf(String aggregateIdentifier, long sequenceNumber) {
        OptionalLong known = chainHeads.positionOf(aggregateIdentifier, sequenceNumber);
        if (known.isPresent()) {
            return known;
        }
        Document found = events.find(eq(AGGREGATE_SEQUENCE_KEY, sequenceKey(aggregateIdentifier, sequenceNumber)))
                               .projection(Projections.include(POSITION))
                               .first();
        return found == null ? OptionalLong.empty() : OptionalLong.of(position(found));
    }

    /**
     * The global position a tracking token stands for: the index of a {@link GapAwareTrackingToken}, looking inside a
     * {@link ReplayToken} at the event being replayed; -1 for {@code null} (the tail).
     *
     * @throws IllegalArgumentException for a token of another kind of store
     */
    public static long positionOf(TrackingToken token) {
        if (token == null) {
            return -1;
        }
        if (token instanceof GapAwareTrackingToken gapAware) {
            return gapAware.getIndex();
        }
        if (token instanceof ReplayToken replay) {
            return positionOf(replay.getCurrentToken());
        }
        if (token instanceof WrappedToken wrapped) {
            return wrapped.unwrap(GapAwareTrackingToken.class)
                          .map(GapAwareTrackingToken::getIndex)
                          .orElseThrow(() -> new IllegalArgumentException("Not a position token: " + token));
        }
        throw new IllegalArgumentException("Not a position token: " + token);
    }

    /** The event stored at {@code position} with its audit hashes; empty for a placeholder or a free position. */
    public Optional<StoredEvent> storedAt(long position) {
        Document found = events.find(eq(POSITION, position)).first();
        return found == null || isPlaceholder(found) ? Optional.empty() : Optional.of(toStoredEvent(found));
    }

    /**
     * Stored events after {@code afterPosition}, in position order, at most {@code limit}, without placeholders.
     * Stops, like tracking, before a position whose commit is still in flight, so paging on with the last returned
     * position never misses an event.
     */
    public List<StoredEvent> readStored(long afterPosition, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        return readInOrder(afterPosition, limit).stream().map(SequencedMongoEventStorageEngine::toStoredEvent).toList();
    }

    @Override
    protected void appendEvents(List<? extends EventMessage<?>> messages, Serializer serializer) {
        if (messages.isEmpty()) {
            return;
        }
        List<Document> bodies = messages.stream().map(message -> serialize(message, serializer)).toList();
        // Read before reserving, so the window between reservation and insert stays as short as it was.
        Map<String, String> predecessorHashes = predecessorHashes(bodies);
        int count = bodies.size();
        long first = reserve(count);
        long reservedAtNanos = System.nanoTime();
        long reservedAtMillis = clock.millis();
        reservationHook.reserved(first, count);
        if (System.nanoTime() - reservedAtNanos > reReserveAfterNanos) {
            // Readers may already have given up on these positions: move the commit to fresh ones.
            fillWithPlaceholders(first, count, reservedAtMillis);
            first = reserve(count);
            reservedAtMillis = clock.millis();
        }
        List<Document> documents = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            documents.add(positioned(bodies.get(i), first + i, reservedAtMillis));
        }
        chain(documents, predecessorHashes);
        try {
            if (transactions) {
                insertInTransaction(documents);
            } else {
                insertFirstPositionLast(documents);
            }
        } catch (MongoException failure) {
            try {
                fillWithPlaceholders(first, count, reservedAtMillis);
            } catch (MongoException placeholderFailure) {
                failure.addSuppressed(placeholderFailure);
            }
            throw translate(failure, messages);
        }
        // Each aggregate's last event in the commit wins: documents are in sequence order per aggregate.
        for (Document document : documents) {
            rememberChainHead(document);
        }
    }

    private void rememberChainHead(Document document) {
        String aggregate = document.getString(AGGREGATE_IDENTIFIER);
        if (aggregate != null) {
            chainHeads.remember(aggregate, ((Number) document.get(SEQUENCE_NUMBER)).longValue(),
                                document.getString(HASH), position(document));
        }
    }

    /**
     * The stored hashes of the events that precede this commit's first event of each aggregate, keyed by their
     * aggregate-sequence key: from what this process last wrote or loaded of the aggregate ({@link ChainHeads}), else
     * one {@code $in} read on the unique key. Axon appends event <i>n</i> of an aggregate only after loading event
     * <i>n-1</i>, and the unique key lets one writer store each sequence number, so the hash found here is the one the
     * chain continues from, without a transaction.
     */
    private Map<String, String> predecessorHashes(List<Document> bodies) {
        java.util.Set<String> inCommit = new java.util.HashSet<>();
        List<String> wanted = new ArrayList<>();
        Map<String, String> hashes = new HashMap<>();
        for (Document body : bodies) {
            String aggregate = body.getString(AGGREGATE_IDENTIFIER);
            if (aggregate == null) {
                continue;
            }
            long sequence = ((Number) body.get(SEQUENCE_NUMBER)).longValue();
            inCommit.add(sequenceKey(aggregate, sequence));
            String predecessor = sequenceKey(aggregate, sequence - 1);
            if (sequence > 0 && !inCommit.contains(predecessor)) {
                Optional<String> known = chainHeads.hashOf(aggregate, sequence - 1);
                if (known.isPresent()) {
                    hashes.put(predecessor, known.get());
                } else {
                    wanted.add(predecessor);
                }
            }
        }
        if (!wanted.isEmpty()) {
            for (Document document : events.find(in(AGGREGATE_SEQUENCE_KEY, wanted))
                                           .projection(Projections.include(AGGREGATE_SEQUENCE_KEY, HASH))) {
                hashes.put(document.getString(AGGREGATE_SEQUENCE_KEY), document.getString(HASH));
            }
        }
        return hashes;
    }

    /**
     * Adds each event's place in the audit chain: the hash of the previous event of its aggregate (from this commit
     * or from the store) and its own hash over that and its content, once its position is final.
     */
    private static void chain(List<Document> documents, Map<String, String> predecessorHashes) {
        Map<String, String> hashes = new HashMap<>(predecessorHashes);
        for (Document document : documents) {
            String aggregate = document.getString(AGGREGATE_IDENTIFIER);
            String previous = io.opsplane.eventstore.audit.AuditHashes.GENESIS;
            if (aggregate != null) {
                long sequence = ((Number) document.get(SEQUENCE_NUMBER)).longValue();
                // A predecessor that is not stored (a store written before the chain existed) leaves the link
                // broken on purpose: verification reports it rather than the chain hiding it.
                previous = sequence == 0 ? previous
                        : hashes.getOrDefault(sequenceKey(aggregate, sequence - 1), previous);
            }
            document.append(PREVIOUS_HASH, previous);
            String hash = io.opsplane.eventstore.audit.AuditHashes.event(previous, toStoredEvent(document));
            document.append(HASH, hash);
            if (aggregate != null) {
                hashes.put(document.getString(AGGREGATE_SEQUENCE_KEY), hash);
            }
        }
    }

    /**
     * Reserves {@code count} positions and returns the first. Reads the counter as it was before the increment: the
     * embedded store applies {@code $inc} atomically but reads the "after" document back outside its lock, so
     * concurrent callers asking for it can be handed the same value.
     */
    private long reserve(int count) {
        Document before = sequences.findOneAndUpdate(
                eq(POSITION, counterId),
                Updates.inc(RESERVED, (long) count),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.BEFORE));
        return before == null ? 0 : ((Number) before.get(RESERVED)).longValue();
    }

    private void insertInTransaction(List<Document> documents) {
        try (ClientSession session = mongoClient.startSession()) {
            session.withTransaction(() -> events.insertMany(session, documents));
        }
    }

    /**
     * Inserts from the last position to the first, so that tracking readers, who stop at the first missing
     * position, cannot see a commit before its first event is in; an ordered insert stops at the first conflict.
     */
    private void insertFirstPositionLast(List<Document> documents) {
        List<Document> lastFirst = new ArrayList<>(documents);
        Collections.reverse(lastFirst);
        events.insertMany(lastFirst, new InsertManyOptions().ordered(true));
    }

    /** Replaces whatever a failed commit left at its positions, so readers skip them instead of waiting. */
    private void fillWithPlaceholders(long first, int count, long reservedAtMillis) {
        List<ReplaceOneModel<Document>> replacements = new ArrayList<>(count);
        for (long position = first; position < first + count; position++) {
            Document placeholder = new Document(POSITION, position)
                    .append(AGGREGATE_SEQUENCE_KEY, syntheticKey(position))
                    .append(EVENT_IDENTIFIER, syntheticKey(position))
                    .append(PLACEHOLDER, true)
                    .append(RESERVED_AT, reservedAtMillis);
            replacements.add(new ReplaceOneModel<>(eq(POSITION, position), placeholder,
                                                   new ReplaceOptions().upsert(true)));
        }
        events.bulkWrite(replacements);
    }

    private RuntimeException translate(MongoException failure, List<? extends EventMessage<?>> messages) {
        int failedIndex = duplicateKeyIndex(failure);
        if (failedIndex < 0) {
            return new EventStoreException("Appending " + messages.size() + " events failed", failure);
        }
        // Inserts without a transaction run from the last event to the first.
        int eventIndex = transactions ? failedIndex : messages.size() - 1 - failedIndex;
        EventMessage<?> failed = messages.get(Math.max(0, Math.min(eventIndex, messages.size() - 1)));
        if (failed instanceof DomainEventMessage<?> domain && domain.getAggregateIdentifier() != null) {
            return new EventStreamConflictException(
                    "Event " + domain.getSequenceNumber() + " of aggregate " + domain.getAggregateIdentifier()
                            + " (" + domain.getType() + ") was already stored by another writer",
                    domain.getAggregateIdentifier(), domain.getSequenceNumber(), failure);
        }
        return new EventStreamConflictException("Event " + failed.getIdentifier() + " was already stored",
                                                null, -1, failure);
    }

    private static int duplicateKeyIndex(MongoException failure) {
        if (failure instanceof MongoBulkWriteException bulk) {
            return bulk.getWriteErrors().stream()
                       .filter(error -> ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY)
                       .mapToInt(com.mongodb.bulk.BulkWriteError::getIndex)
                       .findFirst().orElse(-1);
        }
        if (failure instanceof MongoWriteException write
                && write.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
            return 0;
        }
        return failure.getCode() == 11000 ? 0 : -1;
    }

    @Override
    protected void storeSnapshot(DomainEventMessage<?> snapshot, Serializer serializer) {
        Document document = serialize(snapshot, serializer).append(POSITION, snapshot.getAggregateIdentifier());
        snapshots.replaceOne(eq(POSITION, snapshot.getAggregateIdentifier()), document,
                             new ReplaceOptions().upsert(true));
    }

    @Override
    protected Stream<? extends DomainEventData<?>> readSnapshotData(String aggregateIdentifier) {
        Document snapshot = snapshots.find(eq(POSITION, aggregateIdentifier)).first();
        return snapshot == null ? Stream.empty() : Stream.of(toDomainEntry(snapshot));
    }

    /**
     * Reads up to {@code batchSize} events of the aggregate from {@code firstSequenceNumber} on, by {@code $in} over
     * their unique keys in windows of {@value #FIRST_AGGREGATE_WINDOW} keys, doubling while windows come back full.
     * Most aggregates have a handful of events, so a load asks the index for a few keys instead of a whole batch (on
     * the embedded H2 store every key asked for is a B-tree search, found or not). Fewer than {@code batchSize}
     * events returned means the aggregate ends there, as Axon expects.
     */
    @Override
    protected List<? extends DomainEventData<?>> fetchDomainEvents(String aggregateIdentifier,
                                                                   long firstSequenceNumber,
                                                                   int batchSize) {
        List<DomainEventData<?>> found = new ArrayList<>();
        Document last = null;
        long next = firstSequenceNumber;
        int window = Math.min(FIRST_AGGREGATE_WINDOW, batchSize);
        while (found.size() < batchSize) {
            int count = Math.min(window, batchSize - found.size());
            Map<Long, Document> bySequence = readSequences(aggregateIdentifier, next, count);
            long sequence = next;
            for (; bySequence.containsKey(sequence); sequence++) {
                last = bySequence.get(sequence);
                found.add(toDomainEntry(last));
            }
            if (sequence - next < count) {
                break;
            }
            next = sequence;
            window *= 2;
        }
        if (last != null) {
            rememberChainHead(last);
        }
        return found;
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
            bySequence.put(((Number) document.get(SEQUENCE_NUMBER)).longValue(), document);
        }
        return bySequence;
    }

    /**
     * Finds an aggregate's last sequence number by probing unique keys, never scanning: a gallop over powers of two,
     * then rounds of {@value #PROBES_PER_ROUND} evenly spaced probes. Relies on an aggregate's sequence numbers being
     * contiguous from 0, which Axon guarantees.
     */
    @Override
    public Optional<Long> lastSequenceNumberFor(String aggregateIdentifier) {
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

    /**
     * Axon's tracked events, each carrying its stored hash ({@link ChainedEvent}) so that consumers of the audit chain
     * need not read the event again. The hashes of the events read but not yet delivered (upcasting may read ahead)
     * are kept by position; the stream is sequential, as every tracked stream is.
     */
    @Override
    public Stream<? extends TrackedEventMessage<?>> readEvents(TrackingToken trackingToken, boolean mayBlock) {
        TreeMap<Long, String> hashes = new TreeMap<>();
        Stream<? extends TrackedEventData<?>> data = readEventData(trackingToken, mayBlock)
                .peek(read -> hashes.put(positionOf(read.trackingToken()), hashOf(read)));
        return EventUtils.upcastAndDeserializeTrackedEvents(data, getEventSerializer(), upcasterChain)
                         .map(message -> {
                             long position = positionOf(message.trackingToken());
                             hashes.headMap(position).clear();
                             return ChainedMessages.of(message, hashes.get(position));
                         });
    }

    private static String hashOf(TrackedEventData<?> read) {
        if (read instanceof ChainedDomainEventData domain) {
            return domain.hash();
        }
        return read instanceof StoredTrackedEventData plain ? plain.event().hash() : null;
    }

    @Override
    protected List<? extends TrackedEventData<?>> fetchTrackedEvents(TrackingToken lastToken, int batchSize) {
        return readInOrder(positionOf(lastToken), batchSize).stream()
                                                            .map(SequencedMongoEventStorageEngine::toTrackedData)
                                                            .toList();
    }

    /**
     * Reads stored events after {@code after} in position order. Reads windows of {@code limit} positions by
     * {@code _id $in}; stops at the first hole readers must still wait for, skips placeholders and abandoned holes.
     * An idle poll costs one exact lookup of the counter.
     */
    List<Document> readInOrder(long after, int limit) {
        long head = headPosition();
        List<Document> deliverable = new ArrayList<>();
        long next = after + 1;
        while (next <= head && deliverable.size() < limit) {
            long end = Math.min(head, next + limit - 1);
            TreeMap<Long, Document> window = readPositions(next, end);
            long nowNanos = System.nanoTime();
            long nowMillis = clock.millis();
            for (long position = next; position <= end; position++) {
                if (window.containsKey(position)) {
                    gaps.present(position);
                } else {
                    gaps.missing(position, nowNanos);
                }
            }
            for (long position = next; position <= end; position++) {
                Document document = window.get(position);
                if (document == null) {
                    if (position == head) {
                        return deliverable;
                    }
                    Map.Entry<Long, Document> later = window.higherEntry(position);
                    Long laterReservedAt = later == null ? null : reservedAt(later.getValue());
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

    TreeMap<Long, Document> readPositions(long first, long last) {
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

    @Override
    public TrackingToken createTailToken() {
        return token(-1);
    }

    @Override
    public TrackingToken createHeadToken() {
        return token(headPosition());
    }

    /**
     * A token just before the first event stamped at or after {@code dateTime}: a binary search over positions with
     * exact lookups. Timestamps come from writers' clocks, so around the instant the answer is as good as their skew.
     */
    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        long low = 0;
        long high = headPosition() + 1;
        while (low < high) {
            long middle = low + (high - low) / 2;
            Document found = firstEventFrom(middle, high);
            if (found == null || !Instant.parse(found.getString(TIMESTAMP)).isBefore(dateTime)) {
                high = middle;
            } else {
                low = position(found) + 1;
            }
        }
        return token(low - 1);
    }

    private Document firstEventFrom(long from, long until) {
        for (long start = from; start < until; start += batchSize()) {
            long end = Math.min(until - 1, start + batchSize() - 1);
            Optional<Document> first = readPositions(start, end).values().stream()
                                                                .filter(document -> !isPlaceholder(document))
                                                                .findFirst();
            if (first.isPresent()) {
                return first.get();
            }
        }
        return null;
    }

    private static GapAwareTrackingToken token(long position) {
        return GapAwareTrackingToken.newInstance(position, Collections.emptySet());
    }

    private static Document serialize(EventMessage<?> message, Serializer serializer) {
        SerializedObject<String> payload = message.serializePayload(serializer, String.class);
        SerializedObject<String> metadata = message.serializeMetaData(serializer, String.class);
        Document document = new Document(EVENT_IDENTIFIER, message.getIdentifier())
                .append(TIMESTAMP, message.getTimestamp().toString())
                .append(PAYLOAD_TYPE, payload.getType().getName())
                .append(PAYLOAD_REVISION, payload.getType().getRevision())
                .append(PAYLOAD, payload.getData())
                .append(METADATA, metadata.getData());
        if (message instanceof DomainEventMessage<?> domain && domain.getAggregateIdentifier() != null) {
            document.append(TYPE, domain.getType())
                    .append(AGGREGATE_IDENTIFIER, domain.getAggregateIdentifier())
                    .append(SEQUENCE_NUMBER, domain.getSequenceNumber());
        }
        return document;
    }

    private static Document positioned(Document body, long position, long reservedAtMillis) {
        Document document = new Document(POSITION, position);
        document.putAll(body);
        String aggregate = body.getString(AGGREGATE_IDENTIFIER);
        document.append(AGGREGATE_SEQUENCE_KEY, aggregate == null
                ? syntheticKey(position)
                : sequenceKey(aggregate, ((Number) body.get(SEQUENCE_NUMBER)).longValue()));
        return document.append(RESERVED_AT, reservedAtMillis);
    }

    /** {@code aggregateId:sequence}; always contains a colon followed by digits. */
    static String sequenceKey(String aggregateIdentifier, long sequenceNumber) {
        return aggregateIdentifier + ":" + sequenceNumber;
    }

    /** Key for documents without an aggregate: no colon, so it can never equal a {@link #sequenceKey}. */
    private static String syntheticKey(long position) {
        return "@" + position;
    }

    static boolean isPlaceholder(Document document) {
        return Boolean.TRUE.equals(document.getBoolean(PLACEHOLDER));
    }

    static long position(Document document) {
        return ((Number) document.get(POSITION)).longValue();
    }

    private static Long reservedAt(Document document) {
        Object value = document.get(RESERVED_AT);
        return value == null ? null : ((Number) value).longValue();
    }

    private static GenericDomainEventEntry<String> toDomainEntry(Document document) {
        return new GenericDomainEventEntry<>(document.getString(TYPE),
                                             document.getString(AGGREGATE_IDENTIFIER),
                                             ((Number) document.get(SEQUENCE_NUMBER)).longValue(),
                                             document.getString(EVENT_IDENTIFIER),
                                             document.getString(TIMESTAMP),
                                             document.getString(PAYLOAD_TYPE),
                                             document.getString(PAYLOAD_REVISION),
                                             document.getString(PAYLOAD),
                                             document.getString(METADATA));
    }

    private static TrackedEventData<?> toTrackedData(Document document) {
        TrackingToken token = token(position(document));
        if (document.getString(AGGREGATE_IDENTIFIER) != null) {
            return new ChainedDomainEventData(token, toDomainEntry(document), document.getString(HASH));
        }
        return new StoredTrackedEventData(token, toStoredEvent(document));
    }

    static StoredEvent toStoredEvent(Document document) {
        Object sequence = document.get(SEQUENCE_NUMBER);
        return new StoredEvent(position(document),
                               document.getString(EVENT_IDENTIFIER),
                               document.getString(AGGREGATE_IDENTIFIER),
                               sequence == null ? null : ((Number) sequence).longValue(),
                               document.getString(TYPE),
                               Instant.parse(document.getString(TIMESTAMP)),
                               document.getString(PAYLOAD_TYPE),
                               document.getString(PAYLOAD_REVISION),
                               document.getString(PAYLOAD),
                               document.getString(METADATA),
                               document.getString(PREVIOUS_HASH),
                               document.getString(HASH));
    }

    /**
     * Builder for {@link SequencedMongoEventStorageEngine}.
     * <p>
     * Required: {@link #database(MongoDatabase)}, {@link #eventSerializer(Serializer)} and
     * {@link #snapshotSerializer(Serializer)}. Defaults: events in {@code events}, snapshots in {@code snapshots},
     * the position counter in {@code event_sequence}, audit checkpoints in {@code event_checkpoints}; {@code batchSize} 100 (positions per tracking read, events per
     * aggregate read); {@code gapTimeout} 10 s; the system UTC clock; no upcasters; no {@link MongoClient}, which
     * means no transactions even on a server that offers them.
     */
    public static class Builder extends BatchingEventStorageEngine.Builder {

        private MongoDatabase database;
        private MongoClient mongoClient;
        private String eventsCollection = "events";
        private String snapshotsCollection = "snapshots";
        private String sequenceCollection = "event_sequence";
        private String checkpointsCollection = "event_checkpoints";
        private Duration gapTimeout = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();
        private ReservationHook reservationHook = ReservationHook.NONE;
        private boolean eventSerializerSet;
        private boolean snapshotSerializerSet;

        /** The database holding the three collections. Required. */
        public Builder database(MongoDatabase database) {
            this.database = database;
            return this;
        }

        /**
         * The client {@link #database(MongoDatabase)} came from, used to start sessions when the server supports
         * transactions. Optional: without it commits run without transactions.
         */
        public Builder mongoClient(MongoClient mongoClient) {
            this.mongoClient = mongoClient;
            return this;
        }

        /** Collection of events, one document per event keyed by position. Defaults to {@code events}. */
        public Builder eventsCollection(String eventsCollection) {
            this.eventsCollection = eventsCollection;
            return this;
        }

        /** Collection of snapshots, one document per aggregate. Defaults to {@code snapshots}. */
        public Builder snapshotsCollection(String snapshotsCollection) {
            this.snapshotsCollection = snapshotsCollection;
            return this;
        }

        /**
         * Collection of the position counter (one document, keyed by the events collection's name). Defaults to
         * {@code event_sequence}.
         */
        public Builder sequenceCollection(String sequenceCollection) {
            this.sequenceCollection = sequenceCollection;
            return this;
        }

        /**
         * Collection of the audit checkpoints sealed by {@link AuditTrail}, one document per checkpoint keyed by its
         * index. Defaults to {@code event_checkpoints}.
         */
        public Builder checkpointsCollection(String checkpointsCollection) {
            this.checkpointsCollection = checkpointsCollection;
            return this;
        }

        /**
         * How long readers wait for a reserved position to be written before passing over it for good. Writers
         * that reach their insert later than half of it move their events to fresh positions. Defaults to 10 s;
         * must exceed the longest expected commit and the clock skew between writers.
         */
        public Builder gapTimeout(Duration gapTimeout) {
            if (gapTimeout == null || gapTimeout.isNegative() || gapTimeout.isZero()) {
                throw new AxonConfigurationException("The gapTimeout must be positive");
            }
            this.gapTimeout = gapTimeout;
            return this;
        }

        /** The clock stamping reservation times. Defaults to the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        Builder reservationHook(ReservationHook reservationHook) {
            this.reservationHook = reservationHook;
            return this;
        }

        @Override
        public Builder eventSerializer(Serializer eventSerializer) {
            super.eventSerializer(eventSerializer);
            this.eventSerializerSet = eventSerializer != null;
            return this;
        }

        @Override
        public Builder snapshotSerializer(Serializer snapshotSerializer) {
            super.snapshotSerializer(snapshotSerializer);
            this.snapshotSerializerSet = snapshotSerializer != null;
            return this;
        }

        @Override
        public Builder upcasterChain(EventUpcaster upcasterChain) {
            super.upcasterChain(upcasterChain);
            return this;
        }

        @Override
        public Builder persistenceExceptionResolver(PersistenceExceptionResolver persistenceExceptionResolver) {
            super.persistenceExceptionResolver(persistenceExceptionResolver);
            return this;
        }

        @Override
        public Builder snapshotFilter(Predicate<? super DomainEventData<?>> snapshotFilter) {
            super.snapshotFilter(snapshotFilter);
            return this;
        }

        @Override
        public Builder snapshotFilter(SnapshotFilter snapshotFilter) {
            super.snapshotFilter(snapshotFilter);
            return this;
        }

        @Override
        public Builder batchSize(int batchSize) {
            super.batchSize(batchSize);
            return this;
        }

        @Override
        public Builder finalAggregateBatchPredicate(
                Predicate<List<? extends DomainEventData<?>>> finalAggregateBatchPredicate) {
            super.finalAggregateBatchPredicate(finalAggregateBatchPredicate);
            return this;
        }

        @Override
        protected void validate() {
            super.validate();
            if (database == null) {
                throw new AxonConfigurationException("The MongoDatabase is required");
            }
            if (!eventSerializerSet || !snapshotSerializerSet) {
                throw new AxonConfigurationException("Both the event and the snapshot serializer are required");
            }
            if (clock == null) {
                throw new AxonConfigurationException("The clock may not be null");
            }
        }

        public SequencedMongoEventStorageEngine build() {
            validate();
            return new SequencedMongoEventStorageEngine(this);
        }
    }
}
