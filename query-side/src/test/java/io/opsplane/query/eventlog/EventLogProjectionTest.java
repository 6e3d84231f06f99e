package io.opsplane.query.eventlog;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.apikey.ApiKeyIssuedEvent;
import io.opsplane.api.apikey.Scope;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.EventMessage;
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

class EventLogProjectionTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:15:30.123456Z");

    private MongoServer server;
    private MongoClient client;
    private EventLogStore store;
    private EventLogProjection projection;
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeEach
    void startStore() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
        store = new EventLogStore(new MongoTemplate(client, "eventlog-test"));
        projection = new EventLogProjection(store, json);
    }

    @AfterEach
    void stopStore() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void recordsEachEventAtItsPosition() {
        handle(domainEvent("ex-1", 0, requested("ex-1", "service.healthcheck", ALICE)), 40);

        EventLogDocument document = store.findByPosition(40).orElseThrow();
        assertThat(document.type()).isEqualTo("execution.requested");
        assertThat(document.aggregateId()).isEqualTo("ex-1");
        assertThat(document.sequence()).isEqualTo(0);
        assertThat(document.timestamp()).isEqualTo(Instant.parse("2026-11-24T10:15:30.123Z"));
        assertThat(json.readTree(document.actor()).path("name").asString()).isEqualTo("alice@example.com");
        JsonNode payload = json.readTree(document.payload());
        assertThat(payload.path("executionId").asString()).isEqualTo("ex-1");
        assertThat(payload.path("input").path("headers").path("x.trace").asString()).isEqualTo("1");
        assertThat(document.hash()).matches("sha256:[0-9a-f]{64}");
    }

    @Test
    void redeliveredEventsChangeNothing() {
        EventMessage<?> message = domainEvent("ex-2", 3, succeeded("ex-2"));
        handle(message, 7);
        EventLogDocument first = store.findByPosition(7).orElseThrow();

        handle(message, 7);

        assertThat(store.findByPosition(7)).contains(first);
        assertThat(first.actor()).isNull();
    }

    @Test
    void takesTheActorOfApiKeyEventsFromWhoIssuedThem() {
        ApiKeyIssuedEvent issued = new ApiKeyIssuedEvent("key-9", "ci", "agent:ci", ActorKind.AGENT,
                "alice@example.com", Set.of(Scope.LOGS_READ), List.of(), null, null, "hash", "ops_abc", "wxyz", ALICE);
        handle(domainEvent("key-9", 0, issued), 12);

        EventLogDocument document = store.findByPosition(12).orElseThrow();
        assertThat(document.type()).isEqualTo("apikey.issued");
        assertThat(json.readTree(document.actor()).path("keyId").asString()).isEqualTo("key-alice");
        assertThat(json.readTree(document.payload()).path("scopes").get(0).asString()).isEqualTo("logs:read");
    }

    @Test
    void recordsEventsOutsideAggregatesWithoutSequence() {
        handle(new GenericEventMessage<>(requested("ex-3", "service.healthcheck", ALICE), Map.of()), 2);

        EventLogDocument document = store.findByPosition(2).orElseThrow();
        assertThat(document.aggregateId()).isNull();
        assertThat(document.sequence()).isNull();
    }

    @Test
    void hashesCoverThePosition() {
        handle(domainEvent("ex-4", 0, succeeded("ex-4")), 5);
        handle(domainEvent("ex-4", 0, succeeded("ex-4")), 6);

        assertThat(store.findByPosition(5).orElseThrow().hash()).isNotEqualTo(store.findByPosition(6).orElseThrow().hash());
    }

    @Test
    void resetClearsTheLog() {
        handle(domainEvent("ex-5", 0, succeeded("ex-5")), 8);

        projection.reset();

        assertThat(store.findByPosition(8)).isEmpty();
    }

    private void handle(EventMessage<?> message, long position) {
        projection.on(message.getPayload(), message, new GlobalSequenceTrackingToken(position));
    }

    private static EventMessage<?> domainEvent(String aggregateId, long sequence, Object payload) {
        return new GenericDomainEventMessage<>("ToolExecution", aggregateId, sequence, payload, Map.of(),
                "id-" + aggregateId + "-" + sequence, T0);
    }
}
