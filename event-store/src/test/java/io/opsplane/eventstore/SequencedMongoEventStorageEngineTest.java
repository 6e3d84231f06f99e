package io.opsplane.eventstore;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static io.opsplane.eventstore.Events.noted;
import static org.assertj.core.api.Assertions.assertThat;

class SequencedMongoEventStorageEngineTest {

    private EmbeddedMongo mongo;
    private SequencedMongoEventStorageEngine engine;

    @BeforeEach
    void start() {
        mongo = EmbeddedMongo.memory();
        engine = mongo.engine().batchSize(10).build();
    }

    @AfterEach
    void stop() {
        mongo.close();
    }

    @Test
    void loadsAnAggregateLongerThanSeveralBatchesInOrder() {
        List<DomainEventMessage<?>> appended = new ArrayList<>();
        for (int sequence = 0; sequence < 35; sequence++) {
            appended.add(noted("note-1", sequence));
        }
        engine.appendEvents(appended.subList(0, 12));
        engine.appendEvents(appended.subList(12, 35));
        engine.appendEvents(noted("other", 0));

        List<? extends DomainEventMessage<?>> loaded = engine.readEvents("note-1").asStream().toList();

        assertThat(loaded).extracting(DomainEventMessage::getSequenceNumber)
                          .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 35).boxed().toList());
        assertThat(loaded).extracting(DomainEventMessage::getIdentifier)
                          .containsExactlyElementsOf(appended.stream().map(EventMessage::getIdentifier).toList());
        assertThat(loaded.get(7).getPayload()).isEqualTo(new Noted("note-1#7"));
        assertThat(loaded.get(7).getMetaData()).containsEntry("by", "test");
        assertThat(loaded.get(7).getType()).isEqualTo("Note");
        assertThat(loaded.get(7).getTimestamp()).isEqualTo(appended.get(7).getTimestamp());
        assertThat(engine.readEvents("note-1", 30).asStream().count()).isEqualTo(5);
        assertThat(engine.readEvents("missing").hasNext()).isFalse();
    }

    @Test
    void loadsAggregatesOfEveryLengthAroundItsReadWindowsAndAsksForFewKeysWhenShort() {
        List<Integer> keysAsked = java.util.Collections.synchronizedList(new ArrayList<>());
        com.mongodb.event.CommandListener listener = new com.mongodb.event.CommandListener() {
            @Override
            public void commandStarted(com.mongodb.event.CommandStartedEvent event) {
                org.bson.BsonDocument filter = event.getCommand().getDocument("filter", null);
                if ("find".equals(event.getCommandName()) && filter != null
                        && filter.containsKey("aggregateSequenceKey")
                        && filter.get("aggregateSequenceKey").isDocument()) {
                    keysAsked.add(filter.getDocument("aggregateSequenceKey").getArray("$in").size());
                }
            }
        };
        try (EmbeddedMongo counted = EmbeddedMongo.memory(listener)) {
            SequencedMongoEventStorageEngine defaults = counted.engine().build();
            List<Integer> lengths = List.of(1, 15, 16, 17, 47, 48, 49, 99, 100, 101, 250);
            for (int length : lengths) {
                List<DomainEventMessage<?>> events = new ArrayList<>();
                for (int sequence = 0; sequence < length; sequence++) {
                    events.add(noted("len-" + length, sequence));
                }
                defaults.appendEvents(events);
            }

            for (int length : lengths) {
                assertThat(defaults.readEvents("len-" + length).asStream().map(DomainEventMessage::getSequenceNumber))
                        .as("aggregate of %d events", length)
                        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, length).boxed().toList());
            }
            keysAsked.clear();
            assertThat(defaults.readEvents("len-1").asStream().count()).isEqualTo(1);
            assertThat(defaults.readEvents("nobody").hasNext()).isFalse();

            assertThat(keysAsked).containsExactly(16, 16);
        }
    }

    @Test
    void givesEveryEventTheNextGlobalPosition() {
        assertThat(engine.headPosition()).isEqualTo(-1);
        engine.appendEvents(noted("a", 0), noted("a", 1));
        engine.appendEvents(noted("b", 0));

        assertThat(engine.headPosition()).isEqualTo(2);
        assertThat(engine.positionOf("a", 1)).hasValue(1);
        assertThat(engine.positionOf("b", 0)).hasValue(2);
        assertThat(engine.positionOf("b", 1)).isEmpty();
        List<Long> trackedPositions = engine.readEvents(engine.createTailToken(), false)
                                            .map(TrackedEventMessage::trackingToken)
                                            .map(SequencedMongoEventStorageEngine::positionOf)
                                            .toList();
        assertThat(trackedPositions).containsExactly(0L, 1L, 2L);
    }

    @Test
    void findsTheLastSequenceNumberOfAggregatesOfAnyLength() {
        for (int length : new int[]{1, 2, 63, 64, 65, 130, 257}) {
            String aggregate = "agg-" + length;
            List<DomainEventMessage<?>> events = new ArrayList<>();
            for (int sequence = 0; sequence < length; sequence++) {
                events.add(noted(aggregate, sequence));
            }
            engine.appendEvents(events);
            assertThat(engine.lastSequenceNumberFor(aggregate)).hasValue(length - 1L);
        }
        assertThat(engine.lastSequenceNumberFor("never")).isEmpty();
    }

    @Test
    void loadsFromTheLatestSnapshotOnwards() {
        for (int sequence = 0; sequence < 5; sequence++) {
            engine.appendEvents(noted("snap", sequence));
        }
        engine.storeSnapshot(new GenericDomainEventMessage<>("Note", "snap", 2, new Noted("state after 2")));
        engine.storeSnapshot(new GenericDomainEventMessage<>("Note", "snap", 3, new Noted("state after 3")));

        EmbeddedEventStore eventStore = EmbeddedEventStore.builder().storageEngine(engine).build();
        DomainEventStream stream = eventStore.readEvents("snap");
        eventStore.shutDown();

        List<? extends DomainEventMessage<?>> loaded = stream.asStream().toList();
        assertThat(loaded.get(0).getPayload()).isEqualTo(new Noted("state after 3"));
        assertThat(loaded).extracting(DomainEventMessage::getSequenceNumber).containsExactly(3L, 4L);
        assertThat(mongo.database().getCollection("snapshots").countDocuments()).isEqualTo(1);
    }

    @Test
    void tracksEventsThatNoAggregateApplied() {
        EventMessage<Noted> plain = GenericEventMessage.asEventMessage(new Noted("system"));
        engine.appendEvents(noted("a", 0));
        engine.appendEvents(plain);

        List<? extends TrackedEventMessage<?>> tracked = engine.readEvents(null, false).toList();

        assertThat(tracked).hasSize(2);
        assertThat(tracked.get(1).getIdentifier()).isEqualTo(plain.getIdentifier());
        assertThat(tracked.get(1)).isNotInstanceOf(DomainEventMessage.class);
        assertThat(tracked.get(1).getPayload()).isEqualTo(new Noted("system"));
        List<StoredEvent> stored = engine.readStored(-1, 10);
        assertThat(stored).extracting(StoredEvent::aggregateIdentifier).containsExactly("a", null);
        assertThat(stored).extracting(StoredEvent::sequenceNumber).containsExactly(0L, null);
    }

    @Test
    void tracksEveryEventWithTheHashTheAuditChainStoredForIt() {
        for (int sequence = 0; sequence < 25; sequence++) {
            engine.appendEvents(noted("a", sequence), noted("b", sequence));
        }
        engine.appendEvents(GenericEventMessage.asEventMessage(new Noted("system")));

        List<? extends TrackedEventMessage<?>> tracked = engine.readEvents(null, false).toList();
        List<StoredEvent> stored = engine.readStored(-1, 100);

        assertThat(tracked).hasSize(51).allSatisfy(message -> assertThat(message).isInstanceOf(ChainedEvent.class));
        assertThat(tracked).extracting(ChainedEvent::hashOf).doesNotContainNull()
                           .containsExactlyElementsOf(stored.stream().map(StoredEvent::hash).toList());
        assertThat(tracked.get(50)).isNotInstanceOf(DomainEventMessage.class);
        TrackedEventMessage<?> replayed = tracked.get(3).withTrackingToken(
                org.axonframework.eventhandling.ReplayToken.createReplayToken(tracked.get(10).trackingToken(),
                                                                             tracked.get(3).trackingToken()));
        assertThat(ChainedEvent.hashOf(replayed)).isEqualTo(stored.get(3).hash());
        assertThat(ChainedEvent.hashOf(((DomainEventMessage<?>) tracked.get(4)).andMetaData(java.util.Map.of("k", "v"))))
                .isEqualTo(stored.get(4).hash());
    }

    @Test
    void readsStoredEventsInPositionOrderWithoutPlaceholders() {
        engine.appendEvents(noted("a", 0), noted("a", 1));
        try {
            engine.appendEvents(noted("a", 1));
        } catch (EventStreamConflictException expected) {
            // leaves a placeholder at position 2
        }
        engine.appendEvents(noted("a", 2));

        List<StoredEvent> all = engine.readStored(-1, 100);
        List<StoredEvent> page = engine.readStored(0, 1);

        assertThat(all).extracting(StoredEvent::position).containsExactly(0L, 1L, 3L);
        assertThat(all.get(2).payload()).contains("a#2");
        assertThat(all.get(2).metadata()).contains("test");
        assertThat(all.get(2).payloadType()).isEqualTo(Noted.class.getName());
        assertThat(all.get(2).type()).isEqualTo("Note");
        assertThat(page).extracting(StoredEvent::position).containsExactly(1L);
        assertThat(engine.readStored(1, 100)).extracting(StoredEvent::position).containsExactly(3L);
        assertThat(engine.readStored(3, 100)).isEmpty();
    }

    @Test
    void createsTokensAtTailHeadAndTime() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        for (int sequence = 0; sequence < 25; sequence++) {
            engine.appendEvents(noted("t", sequence, start.plusSeconds(sequence)));
        }

        assertThat(SequencedMongoEventStorageEngine.positionOf(engine.createTailToken())).isEqualTo(-1);
        assertThat(SequencedMongoEventStorageEngine.positionOf(engine.createHeadToken())).isEqualTo(24);
        assertThat(SequencedMongoEventStorageEngine.positionOf(engine.createTokenAt(start.plusSeconds(10))))
                .isEqualTo(9);
        assertThat(engine.readEvents(engine.createTokenAt(start.plusSeconds(10)), false).findFirst().orElseThrow()
                         .getPayload()).isEqualTo(new Noted("t#10"));
        assertThat(SequencedMongoEventStorageEngine.positionOf(engine.createTokenAt(start.minusSeconds(1))))
                .isEqualTo(-1);
        assertThat(SequencedMongoEventStorageEngine.positionOf(engine.createTokenAt(start.plusSeconds(99))))
                .isEqualTo(24);
    }

    @Test
    void readsPositionsOutOfReplayTokens() {
        TrackingToken at7 = GapAwareTrackingToken.newInstance(7, List.of());
        TrackingToken replay = ReplayToken.createReplayToken(GapAwareTrackingToken.newInstance(20, List.of()), at7);

        assertThat(SequencedMongoEventStorageEngine.positionOf(at7)).isEqualTo(7);
        assertThat(SequencedMongoEventStorageEngine.positionOf(replay)).isEqualTo(7);
        assertThat(SequencedMongoEventStorageEngine.positionOf((TrackingToken) null)).isEqualTo(-1);
    }

    @Test
    void keepsTokensSmallWhateverTheWriteRate() throws Exception {
        List<EventMessage<?>> burst = new ArrayList<>();
        for (int sequence = 0; sequence < 500; sequence++) {
            burst.add(noted("burst", sequence));
        }
        engine.appendEvents(burst);
        TrackingToken last = engine.readEvents(null, false).reduce((first, second) -> second).orElseThrow()
                                   .trackingToken();

        byte[] asJson = new ObjectMapper().findAndRegisterModules().writeValueAsBytes(last);
        byte[] asStored = JacksonSerializer.defaultSerializer().serialize(last, byte[].class).getData();

        assertThat(SequencedMongoEventStorageEngine.positionOf(last)).isEqualTo(499);
        assertThat(asJson.length).isLessThan(1024);
        assertThat(asStored.length).isLessThan(1024);
        assertThat(new String(asJson, StandardCharsets.UTF_8)).contains("499");
    }

    @Test
    void detectsThatTheEmbeddedStoreHasNoTransactions() {
        assertThat(engine.transactionsEnabled()).isFalse();
        assertThat(ServerCapabilities.detect(mongo.database()).transactions()).isFalse();
    }

    @Test
    void readsTransactionSupportFromTheHandshake() {
        org.bson.Document standalone = new org.bson.Document("isWritablePrimary", true)
                .append("logicalSessionTimeoutMinutes", 30);
        org.bson.Document replicaSet = new org.bson.Document(standalone).append("setName", "rs0");
        org.bson.Document mongos = new org.bson.Document(standalone).append("msg", "isdbgrid");

        assertThat(ServerCapabilities.fromHandshake(standalone).transactions()).isFalse();
        assertThat(ServerCapabilities.fromHandshake(replicaSet).transactions()).isTrue();
        assertThat(ServerCapabilities.fromHandshake(mongos).transactions()).isTrue();
        assertThat(ServerCapabilities.fromHandshake(new org.bson.Document("setName", "rs0")).transactions()).isFalse();
    }

    @Test
    void movesASlowCommitToFreshPositionsInsteadOfWritingBehindReaders() {
        SequencedMongoEventStorageEngine slow = mongo.engine()
                                                     .gapTimeout(Duration.ofMillis(200))
                                                     .reservationHook((first, count) -> sleep(150))
                                                     .build();
        slow.appendEvents(noted("late", 0));

        assertThat(slow.positionOf("late", 0)).hasValue(1);
        assertThat(slow.readStored(-1, 10)).extracting(StoredEvent::position).containsExactly(1L);
        assertThat(mongo.database().getCollection("events").countDocuments()).isEqualTo(2);
        assertThat(engine.readEvents(null, false).map(e -> e.getIdentifier()).collect(Collectors.toList()))
                .hasSize(1);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
