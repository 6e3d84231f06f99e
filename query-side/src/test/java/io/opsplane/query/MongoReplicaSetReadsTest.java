package io.opsplane.query;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import io.opsplane.query.support.QuerySideUnderTest;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link IndexOnlyReadsContract} on a real MongoDB replica set (a single-node set, so the event store commits in
 * transactions): the same reads, the same access paths. Needs a Docker engine; without one the class is skipped
 * (this development machine has none; {@code .github/workflows/mongodb-replica-set.yml} runs it on a hosted runner).
 */
@Testcontainers(disabledWithoutDocker = true)
class MongoReplicaSetReadsTest extends IndexOnlyReadsContract {

    @Container
    static final MongoDBContainer MONGO = new MongoDBContainer("mongo:8.0").withReplicaSet();

    /** The contract's premise here: a replica set, on which the event store commits in transactions. */
    @Test
    void theStoreUnderTestIsAReplicaSet() {
        try (MongoClient client = MongoClients.create(MONGO.getReplicaSetUrl("opsplane"))) {
            Document hello = client.getDatabase("admin").runCommand(new Document("hello", 1));
            assertThat(hello.getString("setName")).isNotBlank();
            assertThat(hello.getBoolean("isWritablePrimary")).isTrue();
        }
    }

    @Override
    QuerySideUnderTest start(CommandListener recorder) {
        return QuerySideUnderTest.startRecordingOn(MONGO.getReplicaSetUrl("opsplane"), recorder);
    }
}
