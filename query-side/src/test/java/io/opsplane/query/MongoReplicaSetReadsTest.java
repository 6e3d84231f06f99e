package io.opsplane.query;

import com.mongodb.event.CommandListener;
import io.opsplane.query.support.QuerySideUnderTest;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBContainer;

/**
 * {@link IndexOnlyReadsContract} on a real MongoDB replica set (a single-node set, so the event store commits in
 * transactions): the same reads, the same access paths. Needs a Docker engine; without one the class is skipped
 * (this development machine has none; {@code .github/workflows/mongodb-replica-set.yml} runs it on a hosted runner).
 */
@Testcontainers(disabledWithoutDocker = true)
class MongoReplicaSetReadsTest extends IndexOnlyReadsContract {

    @Container
    static final MongoDBContainer MONGO = new MongoDBContainer("mongo:8.0").withReplicaSet();

    @Override
    QuerySideUnderTest start(CommandListener recorder) {
        return QuerySideUnderTest.startRecordingOn(MONGO.getReplicaSetUrl("opsplane"), recorder);
    }
}
