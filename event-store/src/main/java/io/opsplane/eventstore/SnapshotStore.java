package io.opsplane.eventstore;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.ReplaceOptions;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.serialization.Serializer;
import org.bson.Document;

import java.util.Optional;

import static com.mongodb.client.model.Filters.eq;
import static io.opsplane.eventstore.EventDocuments.POSITION;

/** One snapshot document per aggregate, keyed by its identifier and replaced by the next one stored. */
final class SnapshotStore {

    private final MongoCollection<Document> snapshots;

    SnapshotStore(MongoCollection<Document> snapshots) {
        this.snapshots = snapshots;
    }

    void store(DomainEventMessage<?> snapshot, Serializer serializer) {
        snapshots.replaceOne(eq(POSITION, snapshot.getAggregateIdentifier()),
                             EventDocuments.snapshot(snapshot, serializer), new ReplaceOptions().upsert(true));
    }

    Optional<Document> find(String aggregateIdentifier) {
        return Optional.ofNullable(snapshots.find(eq(POSITION, aggregateIdentifier)).first());
    }
}
