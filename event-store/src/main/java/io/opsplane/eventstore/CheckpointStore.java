package io.opsplane.eventstore;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.opsplane.eventstore.audit.Checkpoint;
import org.bson.Document;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static com.mongodb.client.model.Filters.eq;

/**
 * Where {@link AuditTrail} keeps its sealed checkpoints: one document per checkpoint keyed by its index, and a pointer
 * to the last one sealed (beside the position counter). An index is written at most once, so sealers on several
 * instances never store two different checkpoints with one index. Obtain one from
 * {@link SequencedMongoEventStorageEngine#checkpointStore()}, which knows the configured collections.
 */
public final class CheckpointStore {

    private static final String ID = "_id";
    private static final String FROM = "from";
    private static final String TO = "to";
    private static final String SKIPPED = "skipped";
    private static final String PREVIOUS_HASH = "previousHash";
    private static final String HASH = "hash";
    private static final String HASHES = "hashes";
    private static final String SEALED_AT = "sealedAt";
    private static final String LAST = "last";

    private final MongoCollection<Document> checkpoints;
    private final MongoCollection<Document> pointers;
    private final String pointerId;

    CheckpointStore(MongoCollection<Document> checkpoints, MongoCollection<Document> pointers, String pointerId) {
        this.checkpoints = checkpoints;
        this.pointers = pointers;
        this.pointerId = pointerId;
    }

    /**
     * Stores {@code checkpoint} under its index and moves the pointer to it.
     *
     * @return false when another sealer stored a checkpoint with that index first
     */
    public boolean append(Checkpoint checkpoint) {
        try {
            checkpoints.insertOne(toDocument(checkpoint));
            pointers.updateOne(eq(ID, pointerId), Updates.max(LAST, checkpoint.index()),
                               new UpdateOptions().upsert(true));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            return false;
        }
    }

    /** Checkpoint {@code index}, if it is stored. */
    public Optional<Checkpoint> find(long index) {
        return Optional.ofNullable(checkpoints.find(eq(ID, index)).first()).map(CheckpointStore::toCheckpoint);
    }

    /** Whether checkpoint {@code index} is stored, read without its content. */
    public boolean exists(long index) {
        return checkpoints.find(eq(ID, index)).projection(Projections.include(ID)).first() != null;
    }

    /** The index the pointer names as the last sealed, -1 before the first; later ones may exist. */
    public long pointer() {
        Document pointer = pointers.find(eq(ID, pointerId)).first();
        return pointer == null ? -1 : ((Number) pointer.get(LAST)).longValue();
    }

    private static Document toDocument(Checkpoint checkpoint) {
        return new Document(ID, checkpoint.index())
                .append(FROM, checkpoint.from())
                .append(TO, checkpoint.to())
                .append(SKIPPED, checkpoint.skipped())
                .append(HASHES, checkpoint.hashes())
                .append(PREVIOUS_HASH, checkpoint.previousHash())
                .append(HASH, checkpoint.hash())
                .append(SEALED_AT, Instant.now().toString());
    }

    private static Checkpoint toCheckpoint(Document document) {
        List<Long> skipped = new ArrayList<>();
        for (Object position : document.getList(SKIPPED, Object.class, List.of())) {
            skipped.add(((Number) position).longValue());
        }
        return new Checkpoint(((Number) document.get(ID)).longValue(), ((Number) document.get(FROM)).longValue(),
                              ((Number) document.get(TO)).longValue(), skipped,
                              document.getList(HASHES, String.class, List.of()), document.getString(PREVIOUS_HASH),
                              document.getString(HASH));
    }
}
