package io.opsplane.eventstore;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.event.CommandListener;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.axonframework.serialization.json.JacksonSerializer;

/** An in-process mongo-java-server reached over the wire by the real driver, as the apps reach it. */
final class EmbeddedMongo implements AutoCloseable {

    private final MongoServer server;
    private final MongoClient client;

    private EmbeddedMongo(MongoBackend backend, CommandListener... listeners) {
        this.server = new MongoServer(backend);
        MongoClientSettings.Builder settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(server.bindAndGetConnectionString()));
        for (CommandListener listener : listeners) {
            settings.addCommandListener(listener);
        }
        this.client = MongoClients.create(settings.build());
    }

    static EmbeddedMongo memory() {
        return new EmbeddedMongo(new MemoryBackend());
    }

    /** A memory store whose client reports every command it sends to {@code listener}. */
    static EmbeddedMongo memory(CommandListener listener) {
        return new EmbeddedMongo(new MemoryBackend(), listener);
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
