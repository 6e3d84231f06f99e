package io.opsplane.query.metrics;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opsplane.api.approval.ApprovalRequestedEvent;
import io.opsplane.api.approval.RequestApprovedEvent;
import io.opsplane.api.approval.RequestRejectedEvent;
import io.opsplane.api.execution.ExecutionFailedEvent;
import io.opsplane.api.execution.ExecutionRetriedEvent;
import io.opsplane.api.execution.ToolRef;
import io.opsplane.api.execution.ExecutionError;
import io.opsplane.api.execution.ExecutionSucceededEvent;
import io.opsplane.api.execution.ExecutionRequestedEvent;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ReplayStatus;
import org.axonframework.eventhandling.TrackingToken;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.MongoTemplate;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.opsplane.query.support.ExecutionEvents.ALICE;
import static io.opsplane.query.support.ExecutionEvents.planned;
import static io.opsplane.query.support.ExecutionEvents.requested;
import static org.assertj.core.api.Assertions.assertThat;

class MetricsProjectionTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:15:30.123Z");

    private MongoServer server;
    private MongoClient client;
    private MetricsStore store;
    private MetricsProjection projection;
    private SimpleMeterRegistry meters;

    @BeforeEach
    void startStore() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
        store = new MetricsStore(new MongoTemplate(client, "metrics-test"));
        meters = new SimpleMeterRegistry();
        projection = new MetricsProjection(store, meters);
    }

    @AfterEach
    void stopStore() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void countsExecutionsOutcomesAndDurationsPerToolInMinuteAndHourBuckets() {
        projection.on(requested("e-1", "billing.refund", ALICE), message(T0), token(0));
        projection.on(requested("e-2", "billing.refund", ALICE), message(T0), token(1));
        projection.on(new ExecutionSucceededEvent("e-1", Map.of(), 120), message(T0.plusSeconds(1)), token(2), live());
        projection.on(new ExecutionFailedEvent("e-2", new ExecutionError("timeout", "slow"), 900),
                message(T0.plusSeconds(90)), token(3), live());
        projection.on(planned("e-3", "billing.refund", ALICE), message(T0), token(4), live());

        // e-2 counts in the minute of its latest activity, its failure: it moved out of 10:15.
        Document minute = bucket(MetricsStore.minuteKey("billing.refund", Instant.parse("2026-11-24T10:15:00Z")));
        assertThat(minute.getLong("executions")).isEqualTo(1);
        assertThat(minute.getLong("succeeded")).isEqualTo(1);
        assertThat(minute.getLong("plans")).isEqualTo(1);
        assertThat(minute.get("failed")).isNull();
        Document next = bucket(MetricsStore.minuteKey("billing.refund", Instant.parse("2026-11-24T10:17:00Z")));
        assertThat(next.getLong("executions")).isEqualTo(1);
        assertThat(next.getLong("failed")).isEqualTo(1);
        Document hour = bucket(MetricsStore.hourKey("billing.refund", Instant.parse("2026-11-24T10:00:00Z")));
        assertThat(hour.getLong("executions")).isEqualTo(2);
        assertThat(hour.getLong("failed")).isEqualTo(1);
        assertThat(hour.get("durations", Document.class).values()).hasSize(2);
        assertThat(store.tools()).containsExactly("billing.refund");
        assertThat(meters.get("opsplane.executions").tag("tool", "billing.refund").tag("status", "failed").counter()
                .count()).isEqualTo(1);
        assertThat(meters.get("opsplane.execution.duration").tag("status", "succeeded").timer().count()).isEqualTo(1);
    }

    @Test
    void redeliveredEventsCountOnce() {
        for (int delivery = 0; delivery < 3; delivery++) {
            projection.on(requested("e-1", "service.healthcheck", ALICE), message(T0), token(7));
            projection.on(new ExecutionSucceededEvent("e-1", Map.of(), 5), message(T0), token(8), live());
        }

        Document minute = bucket(MetricsStore.minuteKey("service.healthcheck", Instant.parse("2026-11-24T10:15:00Z")));
        assertThat(minute.getLong("executions")).isEqualTo(1);
        assertThat(minute.getLong("succeeded")).isEqualTo(1);
        assertThat(minute.get("durations", Document.class).values()).containsExactly(1L);
    }

    @Test
    void aRetriedExecutionMovesToItsLatestOutcomeOnceAlsoWhenEventsAreRedelivered() {
        Instant later = T0.plusSeconds(3600);
        for (int delivery = 0; delivery < 2; delivery++) {
            projection.on(requested("e-1", "tenant.onboard", ALICE), message(T0), token(0));
            projection.on(new ExecutionFailedEvent("e-1", new ExecutionError("step_failed", "no"), 900),
                    message(T0), token(1), live());
            projection.on(new ExecutionRetriedEvent("e-1", io.opsplane.query.support.ExecutionEvents.tool(
                    "tenant.onboard"), Map.of(), ALICE), message(later), token(2), live());
            projection.on(new ExecutionSucceededEvent("e-1", Map.of(), 40), message(later), token(3), live());
        }

        Document before = bucket(MetricsStore.minuteKey("tenant.onboard", Instant.parse("2026-11-24T10:15:00Z")));
        assertThat(before.getLong("executions")).isZero();
        assertThat(before.getLong("failed")).isZero();
        assertThat(before.get("durations", Document.class).getLong(Integer.toString(DurationHistogram.bucketOf(900))))
                .isZero();
        Document after = bucket(MetricsStore.minuteKey("tenant.onboard", Instant.parse("2026-11-24T11:15:00Z")));
        assertThat(after.getLong("executions")).isEqualTo(1);
        assertThat(after.getLong("succeeded")).isEqualTo(1);
        assertThat(after.getLong("retries")).isEqualTo(1);
        assertThat(after.get("failed")).isNull();
        assertThat(after.get("durations", Document.class))
                .isEqualTo(new Document(Integer.toString(DurationHistogram.bucketOf(40)), 1L));
        assertThat(store.tally("e-1")).get().extracting(ExecutionTally::outcome, ExecutionTally::position)
                .containsExactly("succeeded", 3L);
        assertThat(meters.get("opsplane.execution.retries").tag("tool", "tenant.onboard").counter().count())
                .isEqualTo(2);
    }

    @Test
    void aBatchWritesTheSameDocumentsAsItsEventsOneByOne() {
        List<EventMessage<?>> events = new ArrayList<>();
        ToolRef onboard = io.opsplane.query.support.ExecutionEvents.tool("tenant.onboard");
        events.add(tracked(0, T0, requested("e-1", "tenant.onboard", ALICE)));
        events.add(tracked(1, T0, requested("e-2", "billing.refund", ALICE)));
        events.add(tracked(2, T0.plusSeconds(1), new ExecutionFailedEvent("e-1", new ExecutionError("x", "y"), 900)));
        events.add(tracked(3, T0.plusSeconds(2), new ApprovalRequestedEvent("a-1", onboard, Map.of(), "sha256:1", null,
                "r", ALICE, 1, T0.plusSeconds(3600), null, "h1")));
        events.add(tracked(4, T0.plusSeconds(70), new ExecutionRetriedEvent("e-1", onboard, Map.of(), ALICE)));
        events.add(tracked(5, T0.plusSeconds(71), new ExecutionSucceededEvent("e-1", Map.of(), 40)));
        events.add(tracked(6, T0.plusSeconds(72), "an event the metrics do not count"));
        events.add(tracked(7, T0.plusSeconds(73), new ExecutionSucceededEvent("e-2", Map.of(), 70)));
        for (EventMessage<?> event : events) {
            handle(event);
        }
        List<Document> oneByOne = everything();
        projection.reset();

        BatchingUnitOfWork<EventMessage<?>> batch = new BatchingUnitOfWork<>(events);
        batch.execute(() -> handle((EventMessage<?>) CurrentUnitOfWork.get().getMessage()));

        assertThat(everything()).isEqualTo(oneByOne).isNotEmpty();
        Document minute = bucket(MetricsStore.minuteKey("tenant.onboard", Instant.parse("2026-11-24T10:16:00Z")));
        assertThat(minute.getLong("executions")).isEqualTo(1);
        assertThat(minute.getLong("succeeded")).isEqualTo(1);
        assertThat(minute.getLong("retries")).isEqualTo(1);
        assertThat(minute.getLong(MetricsStore.LAST_POSITION)).isEqualTo(5);
    }

    /** Dispatches as Axon does: the most specific handler of the projection. */
    private void handle(EventMessage<?> message) {
        TrackingToken token = ((TrackedEventMessage<?>) message).trackingToken();
        Object payload = message.getPayload();
        if (payload instanceof ExecutionRequestedEvent event) {
            projection.on(event, message, token);
        } else if (payload instanceof ExecutionFailedEvent event) {
            projection.on(event, message, token, live());
        } else if (payload instanceof ExecutionRetriedEvent event) {
            projection.on(event, message, token, live());
        } else if (payload instanceof ExecutionSucceededEvent event) {
            projection.on(event, message, token, live());
        } else if (payload instanceof ApprovalRequestedEvent event) {
            projection.on(event, message, token, live());
        } else {
            projection.on(payload);
        }
    }

    private static EventMessage<?> tracked(long position, Instant timestamp, Object payload) {
        return new GenericTrackedEventMessage<>(token(position), new GenericEventMessage<>(
                java.util.UUID.randomUUID().toString(), payload, Map.of(), timestamp));
    }

    private List<Document> everything() {
        MongoTemplate mongo = new MongoTemplate(client, "metrics-test");
        List<Document> all = new ArrayList<>();
        for (String collection : List.of(MetricsStore.BUCKETS, MetricsStore.EXECUTIONS, MetricsStore.TOOLS)) {
            mongo.getCollection(collection).find().sort(new Document("_id", 1)).into(all);
        }
        return all;
    }

    @Test
    void replayedEventsRebuildTheModelButNotTheProcessCounters() {
        projection.on(requested("e-1", "service.healthcheck", ALICE), message(T0), token(0));
        projection.on(new ExecutionSucceededEvent("e-1", Map.of(), 5), message(T0), token(1), replaying());

        assertThat(bucket(MetricsStore.minuteKey("service.healthcheck", Instant.parse("2026-11-24T10:15:00Z")))
                .getLong("succeeded")).isEqualTo(1);
        assertThat(meters.find("opsplane.executions").counters()).isEmpty();
    }

    @Test
    void countsApprovalDecisionsTheirDurationAndThePendingOnesOnce() {
        ToolRef refund = io.opsplane.query.support.ExecutionEvents.tool("billing.refund");
        for (int delivery = 0; delivery < 2; delivery++) {
            projection.on(new ApprovalRequestedEvent("a-1", refund, Map.of(), "sha256:1", null, "r", ALICE, 2,
                    T0.plusSeconds(3600), null, "h1"), message(T0), token(0), live());
            projection.on(new ApprovalRequestedEvent("a-2", refund, Map.of(), "sha256:2", null, "r", ALICE, 1,
                    T0.plusSeconds(3600), null, "h2"), message(T0), token(1), live());
            projection.on(new ApprovalRequestedEvent("a-3", refund, Map.of(), "sha256:3", null, "r", ALICE, 1,
                    T0.plusSeconds(3600), null, "h3"), message(T0), token(2), live());
            projection.on(new RequestApprovedEvent("a-1", ALICE, null, 1, false), message(T0.plusSeconds(5)), token(3),
                    live());
            projection.on(new RequestApprovedEvent("a-1", ALICE, null, 2, true), message(T0.plusSeconds(10)), token(4),
                    live());
            projection.on(new RequestRejectedEvent("a-2", ALICE, "no"), message(T0.plusSeconds(20)), token(5), live());
        }

        Document hour = bucket(MetricsStore.hourKey("billing.refund", Instant.parse("2026-11-24T10:00:00Z")));
        assertThat(hour.getLong("approvalsRequested")).isEqualTo(3);
        assertThat(hour.getLong("approvalsApproved")).isEqualTo(1);
        assertThat(hour.getLong("approvalsRejected")).isEqualTo(1);
        assertThat(hour.get("decisions", Document.class).keySet()).containsExactlyInAnyOrder(
                Integer.toString(DurationHistogram.bucketOf(10_000)), Integer.toString(DurationHistogram.bucketOf(20_000)));
        assertThat(store.pending()).isEqualTo(1);
        // Process counters follow deliveries: a redelivery within one process counts again (a restart resets them).
        assertThat(meters.get("opsplane.approvals").tag("decision", "approved").counter().count()).isEqualTo(2);
    }

    @Test
    void resetClearsTheModel() {
        projection.on(requested("e-1", "service.healthcheck", ALICE), message(T0), token(0));

        projection.reset();

        assertThat(store.tools()).isEmpty();
        assertThat(store.tally("e-1")).isEmpty();
        assertThat(store.buckets(List.of(MetricsStore.hourKey("service.healthcheck",
                Instant.parse("2026-11-24T10:00:00Z"))))).isEmpty();
    }

    private Document bucket(String key) {
        List<Document> found = store.buckets(List.of(key));
        assertThat(found).as(key).hasSize(1);
        return found.get(0);
    }

    private static EventMessage<?> message(Instant timestamp) {
        return new GenericEventMessage<>(java.util.UUID.randomUUID().toString(), "x", Map.of(), timestamp);
    }

    private static TrackingToken token(long position) {
        return GapAwareTrackingToken.newInstance(position, Collections.emptySet());
    }

    private static ReplayStatus live() {
        return ReplayStatus.REGULAR;
    }

    private static ReplayStatus replaying() {
        return ReplayStatus.REPLAY;
    }
}
