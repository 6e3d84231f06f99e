package io.opsplane.query.execution;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.MongoTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.UUID;

import static io.opsplane.query.support.ExecutionEvents.ALICE;
import static io.opsplane.query.support.ExecutionEvents.DEPLOY_BOT;
import static io.opsplane.query.support.ExecutionEvents.failed;
import static io.opsplane.query.support.ExecutionEvents.planned;
import static io.opsplane.query.support.ExecutionEvents.requested;
import static io.opsplane.query.support.ExecutionEvents.started;
import static io.opsplane.query.support.ExecutionEvents.stepSucceeded;
import static io.opsplane.query.support.ExecutionEvents.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

class ExecutionProjectionTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:15:30.123456Z");

    private MongoServer server;
    private MongoClient client;
    private ExecutionStore store;
    private ExecutionProjection projection;
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeEach
    void startStore() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
        store = new ExecutionStore(new MongoTemplate(client, "projection-test"));
        projection = new ExecutionProjection(store, json);
    }

    @AfterEach
    void stopStore() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void foldsAnExecutionIntoItsViewAndTimeline() {
        deliver(requested("ex-1", "service.healthcheck", ALICE), T0, 0, at(10));
        deliver(started("ex-1"), T0.plusMillis(5), 1, at(11));
        deliver(stepSucceeded("ex-1", "probe"), T0.plusMillis(20), 2, at(14));
        deliver(succeeded("ex-1"), T0.plusMillis(47), 3, at(15));

        ExecutionDocument document = store.findById("ex-1").orElseThrow();
        assertThat(document.tool()).isEqualTo("service.healthcheck");
        assertThat(document.status()).isEqualTo("succeeded");
        assertThat(document.mode()).isEqualTo("execute");
        assertThat(document.actor()).isEqualTo("alice@example.com");
        assertThat(document.createdAt()).isEqualTo(Instant.parse("2026-11-24T10:15:30.123Z"));
        assertThat(document.createdPosition()).isEqualTo(10);
        assertThat(document.lastSequence()).isEqualTo(3);

        JsonNode view = json.readTree(document.view());
        assertThat(view.path("status").asString()).isEqualTo("succeeded");
        assertThat(view.path("position").asLong()).isEqualTo(15);
        assertThat(view.path("input").path("headers").path("x.trace").asString()).isEqualTo("1");
        assertThat(view.path("input").path("headers").path("$ref").asString()).isEqualTo("#/a");
        assertThat(view.path("output").path("body.size").asInt()).isEqualTo(12);
        assertThat(view.path("durationMs").asLong()).isEqualTo(42);
        assertThat(view.path("steps").get(0).path("name").asString()).isEqualTo("probe");

        JsonNode timeline = json.readTree(document.timeline());
        assertThat(timeline).hasSize(4);
        assertThat(timeline.valueStream().map(e -> e.path("type").asString())).containsExactly(
                "execution.requested", "execution.started", "execution.step_succeeded", "execution.succeeded");
        assertThat(timeline.valueStream().map(e -> e.path("position").asLong())).containsExactly(10L, 11L, 14L, 15L);
        assertThat(timeline.valueStream().map(e -> e.path("sequence").asLong())).containsExactly(0L, 1L, 2L, 3L);
        assertThat(timeline.get(0).path("timestamp").asString()).isEqualTo("2026-11-24T10:15:30.123Z");
        assertThat(timeline.get(0).path("payload").has("input")).isFalse();
        assertThat(timeline.get(0).path("payload").path("actor").path("name").asString()).isEqualTo("alice@example.com");
        assertThat(timeline.get(3).path("payload").has("output")).isFalse();
        assertThat(timeline.get(3).path("payload").path("durationMs").asLong()).isEqualTo(42);
    }

    @Test
    void redeliveredEventsChangeNothing() {
        deliver(requested("ex-2", "billing.refund", DEPLOY_BOT), T0, 0, at(3));
        deliver(started("ex-2"), T0.plusMillis(1), 1, at(4));
        deliver(failed("ex-2"), T0.plusMillis(18), 2, at(6));
        ExecutionDocument before = store.findById("ex-2").orElseThrow();

        deliver(requested("ex-2", "billing.refund", DEPLOY_BOT), T0, 0, at(3));
        deliver(started("ex-2"), T0.plusMillis(1), 1, at(4));
        deliver(failed("ex-2"), T0.plusMillis(18), 2, at(6));

        assertThat(store.findById("ex-2")).contains(before);
        assertThat(before.status()).isEqualTo("failed");
        assertThat(json.readTree(before.view()).path("error").path("code").asString()).isEqualTo("unexpected_status");
    }

    @Test
    void recordsPlansWithoutRepeatingThePlanInTheTimeline() {
        deliver(planned("ex-3", "service.healthcheck", ALICE), T0, 0, at(7));

        ExecutionDocument document = store.findById("ex-3").orElseThrow();
        assertThat(document.status()).isEqualTo("planned");
        assertThat(document.mode()).isEqualTo("plan");
        JsonNode view = json.readTree(document.view());
        assertThat(view.path("plan").path("digest").asString()).isEqualTo("sha256:plan");
        JsonNode entry = json.readTree(document.timeline()).get(0);
        assertThat(entry.path("type").asString()).isEqualTo("execution.planned");
        assertThat(entry.path("payload").has("plan")).isFalse();
        assertThat(entry.path("payload").has("executionId")).isFalse();
    }

    @Test
    void takesPositionsFromReplayTokensToo() {
        deliver(requested("ex-4", "service.healthcheck", ALICE), T0, 0,
                ReplayToken.createReplayToken(at(100), at(21)));

        assertThat(store.findById("ex-4").orElseThrow().createdPosition()).isEqualTo(21);
    }

    @Test
    void ignoresEventsOfOtherAggregates() {
        projection.on(requested("ex-9", "service.healthcheck", ALICE), new GenericDomainEventMessage<>("ApiKey", "ex-9", 0,
                requested("ex-9", "service.healthcheck", ALICE), MetaData.emptyInstance(), UUID.randomUUID().toString(), T0), at(1));
        assertThat(store.findById("ex-9")).isEmpty();
    }

    @Test
    void resetClearsTheReadModel() {
        deliver(requested("ex-5", "service.healthcheck", ALICE), T0, 0, at(1));

        projection.reset();

        assertThat(store.findById("ex-5")).isEmpty();
    }

    private static TrackingToken at(long position) {
        return new GlobalSequenceTrackingToken(position);
    }

    /** Hands an event to the projection as Axon does: inside a domain event message of the execution's stream. */
    private void deliver(Object event, Instant timestamp, long sequence, TrackingToken token) {
        String executionId;
        try {
            executionId = (String) event.getClass().getMethod("executionId").invoke(event);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("not an execution event: " + event, e);
        }
        projection.on(event, new GenericDomainEventMessage<>(ExecutionProjection.EXECUTION_AGGREGATE_TYPE, executionId,
                sequence, event, MetaData.emptyInstance(), UUID.randomUUID().toString(), timestamp), token);
    }
}
