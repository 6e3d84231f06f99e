package io.opsplane.eventstore;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.axonframework.serialization.json.JacksonSerializer;

/** An in-process mongo-java-server reached over the wire by the real driver, as the apps reach it. */
final class EmbeddedMongo implements AutoCloseable {

    private final MongoServer server;
    private final MongoClient client;

    private EmbeddedMongo(MongoBackend backend) {
        this.server = new MongoServer(backend);
        this.client = MongoClients.create(server.bindAndGetConnectionString());
    }

    static EmbeddedMongo memory() {
        return new EmbeddedMongo(new MemoryBackend());
    }

    static EmbeddedMongo h2() {
        return new EmbeddedMongo(H2Backend.inMemory());
    }

    MongoDatabase database() {
        return client.getDatabase("opsplane");
    }

    SequencedMongoEventStorageEngine.Builder engine() {
        JacksonSerializer serializer = JacksonSerializer.defaultSerializer();
        return SequencedMongoEventStorageEngine.builder()
                                               .database(database())
                                               .mongoClient(client)
                                               .eventSerializer(serializer)
                                               .snapshotSerializer(serializer);
    }

    @Override
    public void close() {
        client.close();
        server.shutdownNow();
    }
}
