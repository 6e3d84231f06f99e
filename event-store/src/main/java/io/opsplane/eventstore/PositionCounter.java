package io.opsplane.eventstore;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;

import static com.mongodb.client.model.Filters.eq;

/**
 * The global position counter: one document per events collection holding how many positions were ever reserved.
 */
final class PositionCounter {

    private static final String ID = "_id";
    private static final String RESERVED = "reserved";

    private final MongoCollection<Document> sequences;
    private final String counterId;

    PositionCounter(MongoCollection<Document> sequences, String counterId) {
        this.sequences = sequences;
        this.counterId = counterId;
    }

    /** Creates the counter at zero unless it exists. */
    void ensureExists() {
        sequences.updateOne(eq(ID, counterId), Updates.setOnInsert(RESERVED, 0L), new UpdateOptions().upsert(true));
    }

    /**
     * Reserves {@code count} positions and returns the first. Reads the counter as it was before the increment: the
     * embedded store applies {@code $inc} atomically but reads the "after" document back outside its lock, so
     * concurrent callers asking for it can be handed the same value.
     */
    long reserve(int count) {
        Document before = sequences.findOneAndUpdate(
                eq(ID, counterId),
                Updates.inc(RESERVED, (long) count),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.BEFORE));
        return before == null ? 0 : ((Number) before.get(RESERVED)).longValue();
    }

    /** The highest reserved position, -1 when nothing was ever reserved. */
    long head() {
        Document counter = sequences.find(eq(ID, counterId)).first();
        return counter == null ? -1 : ((Number) counter.get(RESERVED)).longValue() - 1;
    }
}
