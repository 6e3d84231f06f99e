package io.opsplane.benchmarks;

import com.mongodb.client.MongoClient;
import io.opsplane.eventstore.SequencedMongoEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoEventStorageEngine;
import org.axonframework.serialization.json.JacksonSerializer;

/** The two engines under comparison, built as the apps would build them. */
final class Engines {

    static final String DATABASE = "bench";

    private Engines() {
    }

    static EventStorageEngine create(String kind, MongoClient client) {
        JacksonSerializer serializer = JacksonSerializer.defaultSerializer();
        if ("stock".equals(kind)) {
            MongoEventStorageEngine engine = MongoEventStorageEngine.builder()
                    .mongoTemplate(DefaultMongoTemplate.builder().mongoDatabase(client, DATABASE).build())
                    .eventSerializer(serializer)
                    .snapshotSerializer(serializer)
                    .build();
            engine.ensureIndexes();
            return engine;
        }
        return SequencedMongoEventStorageEngine.builder()
                                               .database(client.getDatabase(DATABASE))
                                               .mongoClient(client)
                                               .eventSerializer(serializer)
                                               .snapshotSerializer(serializer)
                                               .build();
    }
}
