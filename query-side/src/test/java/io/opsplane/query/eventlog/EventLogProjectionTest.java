package io.opsplane.query.eventlog;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.apikey.ApiKeyIssuedEvent;
import io.opsplane.api.apikey.Scope;
import io.opsplane.eventstore.ChainedEvent;
import io.opsplane.eventstore.SequencedMongoEventStorageEngine;
import io.opsplane.eventstore.StoredEvent;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.bson.Document;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.MongoTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.opsplane.query.support.ExecutionEvents.ALICE;
import static io.opsplane.query.support.ExecutionEvents.requested;
import static io.opsplane.query.support.ExecutionEvents.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventLogProjectionTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:15:30.123456Z");

    private MongoServer server;
    private MongoClient client;
    private EventLogStore store;
    private EventLogProjection projection;
    private SequencedMongoEventStorageEngine engine;
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeEach
    void startStore() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
        JacksonSerializer serializer = JacksonSerializer.builder()
                .objectMapper(new ObjectMapper().registerModule(new JavaTimeModule())).build();
        engine = SequencedMongoEventStorageEngine.builder().database(client.getDatabase("eventlog-test"))
                .eventSerializer(serializer).snapshotSerializer(serializer).build();
        store = new EventLogStore(new MongoTemplate(client, "eventlog-test"), engine);
        projection = new EventLogProjection(store, json, engine);
    }

    @AfterEach
    void stopStore() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void recordsEachEventAtItsPosition() {
        store(domainEvent("ex-0", 0, succeeded("ex-0")));
        long position = handle(domainEvent("ex-1", 0, requested("ex-1", "service.healthcheck", ALICE)));

        assertThat(position).isEqualTo(1);
        EventLogDocument document = store.findByPosition(position).orElseThrow();
        assertThat(document.type()).isEqualTo("execution.requested");
        assertThat(document.aggregateId()).isEqualTo("ex-1");
        assertThat(document.sequence()).isEqualTo(0);
        assertThat(document.timestamp()).isEqualTo(Instant.parse("2026-11-24T10:15:30.123Z"));
        assertThat(json.readTree(document.actor()).path("name").asString()).isEqualTo("alice@example.com");
        JsonNode payload = json.readTree(document.payload());
        assertThat(payload.path("executionId").asString()).isEqualTo("ex-1");
        assertThat(payload.path("input").path("headers").path("x.trace").asString()).isEqualTo("1");
        assertThat(document.hash()).matches("sha256:[0-9a-f]{64}").isEqualTo(engine.storedAt(1).orElseThrow().hash());
    }

    @Test
    void redeliveredEventsChangeNothing() {
        EventMessage<?> message = domainEvent("ex-2", 3, succeeded("ex-2"));
        long position = handle(message);
        EventLogDocument first = store.findByPosition(position).orElseThrow();

        deliver(message, position);

        assertThat(store.findByPosition(position)).contains(first);
        assertThat(first.actor()).isNull();
    }

    @Test
    void takesTheActorOfApiKeyEventsFromWhoIssuedThem() {
        ApiKeyIssuedEvent issued = new ApiKeyIssuedEvent("key-9", "ci", "agent:ci", ActorKind.AGENT,
                "alice@example.com", Set.of(Scope.LOGS_READ), List.of(), null, null, null, "ops_abc", "wxyz", ALICE, "mac");
        EventLogDocument document = store.findByPosition(handle(domainEvent("key-9", 0, issued))).orElseThrow();
        assertThat(document.type()).isEqualTo("apikey.issued");
        assertThat(json.readTree(document.actor()).path("keyId").asString()).isEqualTo("key-alice");
        assertThat(json.readTree(document.payload()).path("scopes").get(0).asString()).isEqualTo("logs:read");
    }

    @Test
    void recordsEventsOutsideAggregatesWithoutSequence() {
        long position = handle(new GenericEventMessage<>(requested("ex-3", "service.healthcheck", ALICE), Map.of()));

        EventLogDocument document = store.findByPosition(position).orElseThrow();
        assertThat(document.aggregateId()).isNull();
        assertThat(document.sequence()).isNull();
    }

    @Test
    void showsTheHashTheEventStoreChainedEachEventWith() {
        long first = handle(domainEvent("ex-4", 0, requested("ex-4", "service.healthcheck", ALICE)));
        long second = handle(domainEvent("ex-4", 1, succeeded("ex-4")));

        StoredEvent stored = engine.storedAt(second).orElseThrow();
        assertThat(store.findByPosition(second).orElseThrow().hash()).isEqualTo(stored.hash());
        assertThat(stored.previousHash()).isEqualTo(store.findByPosition(first).orElseThrow().hash());
    }

    @Test
    void takesTheHashATrackedEventCarriesWithoutReadingTheStoreAgain() {
        store(domainEvent("ex-8", 0, requested("ex-8", "service.healthcheck", ALICE)));
        TrackedEventMessage<?> tracked = engine.readEvents(null, false).toList().get(0);
        String carried = ChainedEvent.hashOf(tracked);
        // The store now holds another event at that position: only a read-back could see it.
        client.getDatabase("eventlog-test").getCollection("events").updateOne(new Document("_id", 0L),
                new Document("$set", new Document("eventIdentifier", "someone-else")));

        projection.on(tracked.getPayload(), tracked, tracked.trackingToken());

        assertThat(carried).matches("sha256:[0-9a-f]{64}");
        assertThat(store.findByPosition(0).orElseThrow().hash()).isEqualTo(carried);
    }

    @Test
    void refusesAnEventTheStoreDoesNotHoldAtItsPosition() {
        EventMessage<?> message = domainEvent("ex-6", 0, succeeded("ex-6"));
        long position = handle(domainEvent("ex-7", 0, succeeded("ex-7")));

        // A write that cannot be checked must stop the processor rather than record a log entry without its hash.
        assertThatThrownBy(() -> deliver(message, position)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> deliver(message, position + 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void resetClearsTheLog() {
        long position = handle(domainEvent("ex-5", 0, succeeded("ex-5")));

        projection.reset();

        assertThat(store.findByPosition(position)).isEmpty();
    }

    /** Appends the event to the store, delivers it as tracking would, and returns its position. */
    private long handle(EventMessage<?> message) {
        long position = store(message);
        deliver(message, position);
        return position;
    }

    private long store(EventMessage<?> message) {
        engine.appendEvents(message);
        return engine.headPosition();
    }

    private void deliver(EventMessage<?> message, long position) {
        projection.on(message.getPayload(), message, new GlobalSequenceTrackingToken(position));
    }

    private static EventMessage<?> domainEvent(String aggregateId, long sequence, Object payload) {
        return new GenericDomainEventMessage<>("ToolExecution", aggregateId, sequence, payload, Map.of(),
                "id-" + aggregateId + "-" + sequence, T0);
    }
}
