package io.opsplane.eventstore;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import org.axonframework.common.AxonConfigurationException;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventUtils;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.BatchingEventStorageEngine;
import org.axonframework.eventsourcing.snapshotting.SnapshotFilter;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.bson.Document;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static io.opsplane.eventstore.EventDocuments.AGGREGATE_SEQUENCE_KEY;
import static io.opsplane.eventstore.EventDocuments.EVENT_IDENTIFIER;
import static io.opsplane.eventstore.EventDocuments.HASH;
import static io.opsplane.eventstore.EventDocuments.POSITION;

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
 * <p>
 * This class only orchestrates; each job has one collaborator: {@link EventDocuments} (the stored format),
 * {@link PositionCounter} and {@link CommitWriter} (reserving positions and writing a commit), {@link AuditChain}
 * (the per-aggregate hash chain and its cache), {@link AggregateReader} (aggregate loads), {@link PositionReader}
 * (reads in position order, gap-aware), {@link PositionTokens} (tokens) and {@link SnapshotStore}. Readers of stored
 * events use the {@link StoredEventLog} it implements. See {@code docs/adr/0002-event-store-global-sequence.md}.
 */
public class SequencedMongoEventStorageEngine extends BatchingEventStorageEngine implements StoredEventLog {

    /**
     * Where the position counter lives unless the builder names another collection. Its only {@code findAndModify}
     * is a reservation ({@code PositionCounter#reserve}), which the embedded store saves with the insert that follows.
     */
    public static final String DEFAULT_SEQUENCE_COLLECTION = "event_sequence";

    private final MongoCollection<Document> events;
    private final PositionCounter counter;
    private final CheckpointStore checkpoints;
    private final AuditChain chain;
    private final AggregateReader aggregates;
    private final PositionReader positions;
    private final SnapshotStore snapshots;
    private final CommitWriter writer;

    protected SequencedMongoEventStorageEngine(Builder builder) {
        super(builder);
        MongoDatabase database = builder.database;
        this.events = database.getCollection(builder.eventsCollection);
        MongoCollection<Document> sequences = database.getCollection(builder.sequenceCollection);
        this.counter = new PositionCounter(sequences, builder.eventsCollection);
        this.checkpoints = new CheckpointStore(database.getCollection(builder.checkpointsCollection), sequences,
                                               builder.eventsCollection + ":checkpoints");
        this.chain = new AuditChain(events);
        this.aggregates = new AggregateReader(events);
        this.positions = new PositionReader(events, counter, builder.gapTimeout, builder.clock, batchSize());
        this.snapshots = new SnapshotStore(database.getCollection(builder.snapshotsCollection));
        ensureIndexes();
        boolean transactions = CommitWriter.transactionsUsable(ServerCapabilities.detect(database),
                                                               builder.mongoClient);
        this.writer = new CommitWriter(events, counter, transactions ? builder.mongoClient : null, builder.clock,
                                       builder.gapTimeout, builder.reservationHook);
    }

    /** Returns a builder; see {@link Builder} for what is required and the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Creates the unique indexes every read relies on and the position counter; idempotent, run when built. */
    public void ensureIndexes() {
        events.createIndex(Indexes.ascending(AGGREGATE_SEQUENCE_KEY), new IndexOptions().unique(true));
        events.createIndex(Indexes.ascending(EVENT_IDENTIFIER), new IndexOptions().unique(true));
        counter.ensureExists();
    }

    /** Where {@link AuditTrail} keeps the checkpoints over this engine's events (the configured collections). */
    public CheckpointStore checkpointStore() {
        return checkpoints;
    }

    /** Whether commits run in server transactions: decided from the server's handshake, never configured. */
    public boolean transactionsEnabled() {
        return writer.transactional();
    }

    /** How many reserved positions readers in this process gave up waiting for since start. */
    public long abandonedGaps() {
        return positions.abandonedGaps();
    }

    @Override
    public long headPosition() {
        return counter.head();
    }

    /** The global position of one domain event, found through the unique aggregate-sequence key. */
    public OptionalLong positionOf(String aggregateIdentifier, long sequenceNumber) {
        OptionalLong known = chain.knownPosition(aggregateIdentifier, sequenceNumber);
        if (known.isPresent()) {
            return known;
        }
        return aggregates.find(aggregateIdentifier, sequenceNumber, POSITION)
                         .map(found -> OptionalLong.of(EventDocuments.position(found)))
                         .orElse(OptionalLong.empty());
    }

    /**
     * The global position a tracking token stands for: the index of a {@link GapAwareTrackingToken}, looking inside a
     * {@link ReplayToken} at the event being replayed; -1 for {@code null} (the tail).
     *
     * @throws IllegalArgumentException for a token of another kind of store
     */
    public static long positionOf(TrackingToken token) {
        return PositionTokens.positionOf(token);
    }

    @Override
    public Optional<StoredEvent> storedAt(long position) {
        return positions.readAt(position).filter(found -> !EventDocuments.isPlaceholder(found))
                        .map(EventDocuments::toStoredEvent);
    }

    @Override
    public List<StoredEvent> readStored(long afterPosition, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        return positions.readInOrder(afterPosition, limit).stream().map(EventDocuments::toStoredEvent).toList();
    }

    @Override
    public List<StoredEvent> readRange(long fromPosition, long toPosition) {
        return positions.readRange(fromPosition, toPosition).stream().map(EventDocuments::toStoredEvent).toList();
    }

    @Override
    public List<StoredEvent> readAggregate(String aggregateIdentifier, long firstSequenceNumber, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        return aggregates.load(aggregateIdentifier, firstSequenceNumber, limit).stream()
                         .map(EventDocuments::toStoredEvent).toList();
    }

    @Override
    public Optional<String> storedHash(String aggregateIdentifier, long sequenceNumber) {
        return aggregates.find(aggregateIdentifier, sequenceNumber, HASH).map(found -> found.getString(HASH));
    }

    @Override
    public OptionalLong anyPositionStoredAfter(long position) {
        return positions.anyStoredAfter(position);
    }

    @Override
    public long positionBefore(Instant instant) {
        return positions.positionBefore(instant);
    }

    @Override
    public int readBatchSize() {
        return batchSize();
    }

    @Override
    protected void appendEvents(List<? extends EventMessage<?>> messages, Serializer serializer) {
        if (messages.isEmpty()) {
            return;
        }
        List<Document> bodies = messages.stream().map(message -> EventDocuments.body(message, serializer)).toList();
        // Read before reserving, so the window between reservation and insert stays as short as it was.
        Map<String, String> predecessorHashes = chain.predecessorHashes(bodies);
        chain.remember(writer.write(messages, bodies, documents -> AuditChain.link(documents, predecessorHashes)));
    }

    @Override
    protected void storeSnapshot(DomainEventMessage<?> snapshot, Serializer serializer) {
        snapshots.store(snapshot, serializer);
    }

    @Override
    protected Stream<? extends DomainEventData<?>> readSnapshotData(String aggregateIdentifier) {
        return snapshots.find(aggregateIdentifier).map(EventDocuments::toDomainEntry).stream();
    }

    @Override
    protected List<? extends DomainEventData<?>> fetchDomainEvents(String aggregateIdentifier,
                                                                   long firstSequenceNumber,
                                                                   int batchSize) {
        List<Document> found = aggregates.load(aggregateIdentifier, firstSequenceNumber, batchSize);
        if (!found.isEmpty()) {
            chain.remember(found.get(found.size() - 1));
        }
        return found.stream().map(EventDocuments::toDomainEntry).toList();
    }

    @Override
    public Optional<Long> lastSequenceNumberFor(String aggregateIdentifier) {
        return aggregates.lastSequenceNumber(aggregateIdentifier);
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
        return positions.readInOrder(positionOf(lastToken), batchSize).stream()
                        .map(EventDocuments::toTrackedData)
                        .toList();
    }

    @Override
    public TrackingToken createTailToken() {
        return PositionTokens.at(-1);
    }

    @Override
    public TrackingToken createHeadToken() {
        return PositionTokens.at(headPosition());
    }

    /** A token just before the first event stamped at or after {@code dateTime}; see {@link #positionBefore}. */
    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        return PositionTokens.at(positionBefore(dateTime));
    }

    /**
     * Builder for {@link SequencedMongoEventStorageEngine}.
     * <p>
     * Required: {@link #database}, {@link #eventSerializer} and {@link #snapshotSerializer}. Defaults: events in
     * {@code events}, snapshots in {@code snapshots}, the position counter in {@code event_sequence}, audit
     * checkpoints in {@code event_checkpoints}; {@code batchSize} 100 (positions per tracking read, events per
     * aggregate read); {@code gapTimeout} 10 s; the system UTC clock; no upcasters; no {@link MongoClient}, which
     * means no transactions even on a server that offers them. A {@code persistenceExceptionResolver} is accepted
     * but not consulted: the engine recognises the server's duplicate-key error itself, since idempotency and the
     * placeholder fill of a failed commit rest on it.
     */
    public static class Builder extends BatchingEventStorageEngine.Builder {

        private MongoDatabase database;
        private MongoClient mongoClient;
        private String eventsCollection = "events";
        private String snapshotsCollection = "snapshots";
        private String sequenceCollection = DEFAULT_SEQUENCE_COLLECTION;
        private String checkpointsCollection = "event_checkpoints";
        private Duration gapTimeout = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();
        private ReservationHook reservationHook = ReservationHook.NONE;
        private boolean eventSerializerSet;
        private boolean snapshotSerializerSet;

        /** The database holding the collections. Required. */
        public Builder database(MongoDatabase database) {
            this.database = database;
            return this;
        }

        /** The client the database came from; without it commits run without transactions. */
        public Builder mongoClient(MongoClient mongoClient) {
            this.mongoClient = mongoClient;
            return this;
        }

        /** Events, one document per event keyed by position. */
        public Builder eventsCollection(String eventsCollection) {
            this.eventsCollection = eventsCollection;
            return this;
        }

        /** Snapshots, one document per aggregate. */
        public Builder snapshotsCollection(String snapshotsCollection) {
            this.snapshotsCollection = snapshotsCollection;
            return this;
        }

        /** The position counter (keyed by the events collection's name) and the audit checkpoint pointer. */
        public Builder sequenceCollection(String sequenceCollection) {
            this.sequenceCollection = sequenceCollection;
            return this;
        }

        /** The audit checkpoints sealed by {@link AuditTrail}, one document per checkpoint keyed by its index. */
        public Builder checkpointsCollection(String checkpointsCollection) {
            this.checkpointsCollection = checkpointsCollection;
            return this;
        }

        /**
         * How long readers wait for a reserved position to be written before passing over it for good; writers
         * reaching their insert later than half of it move to fresh positions. Must exceed the longest expected
         * commit and the clock skew between writers.
         */
        public Builder gapTimeout(Duration gapTimeout) {
            if (gapTimeout == null || gapTimeout.isNegative() || gapTimeout.isZero()) {
                throw new AxonConfigurationException("The gapTimeout must be positive");
            }
            this.gapTimeout = gapTimeout;
            return this;
        }

        /** The clock stamping reservation times. */
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

        // The overrides below only narrow the return type, so that chains stay on this builder.

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
