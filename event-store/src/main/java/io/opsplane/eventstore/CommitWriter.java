package io.opsplane.eventstore;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import static com.mongodb.client.model.Filters.eq;
import static io.opsplane.eventstore.EventDocuments.POSITION;

/**
 * Writes one commit: reserves its positions on the {@link PositionCounter}, moves the commit to fresh positions when
 * it reached its insert too late, inserts its events (in a transaction where the server offers them, else from the
 * last position to the first), and on failure fills its positions with placeholders and reports a conflict.
 */
final class CommitWriter {

    private static final Logger log = LoggerFactory.getLogger(CommitWriter.class);

    private final MongoCollection<Document> events;
    private final PositionCounter counter;
    private final MongoClient transactionClient;
    private final Clock clock;
    private final long reReserveAfterNanos;
    private final ReservationHook reservationHook;

    /**
     * @param transactionClient the client to start sessions with, {@code null} to insert without transactions
     * @param gapTimeout        how long readers wait for a reserved position; a commit later than half of it moves
     */
    CommitWriter(MongoCollection<Document> events, PositionCounter counter, MongoClient transactionClient,
                 Clock clock, Duration gapTimeout, ReservationHook reservationHook) {
        this.events = events;
        this.counter = counter;
        this.transactionClient = transactionClient;
        this.clock = clock;
        this.reReserveAfterNanos = gapTimeout.toNanos() / 2;
        this.reservationHook = reservationHook;
    }

    /** Whether commits can run in transactions: the server must offer them and a client must be given. */
    static boolean transactionsUsable(ServerCapabilities capabilities, MongoClient client) {
        if (capabilities.transactions() && client == null) {
            log.warn("The MongoDB server supports transactions but no MongoClient was given to the event store; "
                             + "commits run without transactions");
        }
        return capabilities.transactions() && client != null;
    }

    boolean transactional() {
        return transactionClient != null;
    }

    /**
     * Stores the commit and returns its documents as stored.
     *
     * @param messages the commit's messages, in order
     * @param bodies   their documents without positions ({@link EventDocuments#body})
     * @param complete completes the positioned documents just before they are inserted (the audit chain's link)
     * @throws EventStreamConflictException when another writer stored one of the events' keys first
     * @throws EventStoreException          when the insert failed otherwise
     */
    List<Document> write(List<? extends EventMessage<?>> messages, List<Document> bodies,
                         Consumer<List<Document>> complete) {
        int count = bodies.size();
        long first = counter.reserve(count);
        long reservedAtNanos = System.nanoTime();
        long reservedAtMillis = clock.millis();
        reservationHook.reserved(first, count);
        if (System.nanoTime() - reservedAtNanos > reReserveAfterNanos) {
            // Readers may already have given up on these positions: move the commit to fresh ones.
            fillWithPlaceholders(first, count, reservedAtMillis);
            first = counter.reserve(count);
            reservedAtMillis = clock.millis();
        }
        List<Document> documents = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            documents.add(EventDocuments.positioned(bodies.get(i), first + i, reservedAtMillis));
        }
        complete.accept(documents);
        try {
            if (transactional()) {
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
        return documents;
    }

    private void insertInTransaction(List<Document> documents) {
        try (ClientSession session = transactionClient.startSession()) {
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
            replacements.add(new ReplaceOneModel<>(eq(POSITION, position),
                                                   EventDocuments.placeholder(position, reservedAtMillis),
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
        int eventIndex = transactional() ? failedIndex : messages.size() - 1 - failedIndex;
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
                       .mapToInt(BulkWriteError::getIndex)
                       .findFirst().orElse(-1);
        }
        if (failure instanceof MongoWriteException write
                && write.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
            return 0;
        }
        return failure.getCode() == 11000 ? 0 : -1;
    }
}
