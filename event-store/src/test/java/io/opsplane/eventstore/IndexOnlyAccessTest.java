package io.opsplane.eventstore;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.opsplane.eventstore.Events.noted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Requirement: appends, aggregate loads and tracking polls cost the same at any store size, on MongoDB and on the
 * embedded store alike. The embedded store serves from an index only an exact or {@code $in} match on a unique
 * field (FACTS.md), and so does MongoDB; so this test records every command the engine sends while it does all it
 * does, and checks that each one that reads or changes stored documents selects them that way: by {@code _id}, the
 * aggregate-sequence key or the event identifier, never by a range, never sorted, never through a pipeline or count.
 * Timing is not asserted anywhere; the figures are in docs/performance.md.
 */
class IndexOnlyAccessTest {

    private static final Set<String> COLLECTIONS = Set.of("events", "snapshots", "event_sequence");
    private static final Set<String> UNIQUE_FIELDS = Set.of("_id", "aggregateSequenceKey", "eventIdentifier");

    private final List<BsonDocument> commands = new ArrayList<>();
    private final CommandListener recorder = new CommandListener() {
        @Override
        public void commandStarted(CommandStartedEvent event) {
            BsonValue target = event.getCommand().get(event.getCommandName());
            if (target != null && target.isString() && COLLECTIONS.contains(target.asString().getValue())) {
                synchronized (commands) {
                    commands.add(event.getCommand().clone());
                }
            }
        }
    };

    @Test
    void everyReadAndWriteSelectsDocumentsByAUniqueKeyOnly() {
        try (EmbeddedMongo mongo = EmbeddedMongo.memory(recorder)) {
            SequencedMongoEventStorageEngine engine = mongo.engine().batchSize(10).build();
            SequencedMongoEventStorageEngine otherProcess = mongo.engine().batchSize(10)
                                                                 .gapTimeout(Duration.ofMillis(50)).build();
            commands.clear();

            // Appends: creations, multi-event commits, next events whose predecessor this engine never saw.
            engine.appendEvents(noted("a", 0), noted("a", 1), noted("b", 0));
            otherProcess.appendEvents(noted("a", 2));
            engine.appendEvents(noted("a", 3), noted("b", 1));
            for (int sequence = 4; sequence < 30; sequence++) {
                engine.appendEvents(noted("a", sequence));
            }
            engine.appendEvents(org.axonframework.eventhandling.GenericEventMessage.asEventMessage("no aggregate"));
            // A conflict: its positions get placeholders.
            assertThatThrownBy(() -> otherProcess.appendEvents(noted("b", 2), noted("a", 5)))
                    .isInstanceOf(EventStreamConflictException.class);

            // Aggregate loads, with and without a snapshot, and the last sequence number.
            assertThat(otherProcess.readEvents("a").asStream().count()).isEqualTo(30);
            engine.storeSnapshot(new GenericDomainEventMessage<>("Note", "b", 1, new Noted("state after 1")));
            EmbeddedEventStore store = EmbeddedEventStore.builder().storageEngine(engine).build();
            try {
                assertThat(store.readEvents("b").asStream().count()).isEqualTo(1);
            } finally {
                store.shutDown();
            }
            assertThat(engine.lastSequenceNumberFor("a")).contains(29L);
            assertThat(engine.lastSequenceNumberFor("nobody")).isEmpty();

            // Tracking: from the tail in batches, an idle poll at the head, tokens of every kind.
            assertThat(otherProcess.readEvents(null, false).count()).isEqualTo(33);
            TrackingToken head = engine.createHeadToken();
            assertThat(engine.readEvents(head, false).findFirst()).isEmpty();
            engine.createTailToken();
            engine.createTokenAt(Instant.now().minusSeconds(60));
            engine.createTokenAt(Instant.now().plusSeconds(60));

            // What the query side uses: stored events with hashes, a position by aggregate and sequence.
            assertThat(engine.readStored(-1, 100)).hasSize(33);
            assertThat(engine.positionOf("a", 3)).isPresent();
            assertThat(engine.storedAt(0)).isPresent();

            assertThat(commands).as("commands recorded").hasSizeGreaterThan(20);
            assertThat(commands).extracting(command -> command.getFirstKey())
                                .contains("find", "findAndModify", "insert", "update");
            for (BsonDocument command : commands) {
                assertSelectsByUniqueKey(command);
            }
        }
    }

    @Test
    void theCheckRejectsARangeASortAndACount() {
        BsonDocument range = BsonDocument.parse("{find: 'events', filter: {_id: {$gt: 5}}}");
        BsonDocument sorted = BsonDocument.parse("{find: 'events', filter: {_id: 5}, sort: {_id: 1}}");
        BsonDocument otherField = BsonDocument.parse("{find: 'events', filter: {timestamp: 'x'}}");
        BsonDocument count = BsonDocument.parse("{count: 'events', query: {}}");

        for (BsonDocument command : List.of(range, sorted, otherField, count)) {
            assertThatThrownBy(() -> assertSelectsByUniqueKey(command)).as(command.toJson())
                                                                       .isInstanceOf(AssertionError.class);
        }
        assertSelectsByUniqueKey(BsonDocument.parse("{find: 'events', filter: {_id: {$in: [1, 2]}}}"));
    }

    private static void assertSelectsByUniqueKey(BsonDocument command) {
        String name = command.getFirstKey();
        switch (name) {
            case "insert", "createIndexes", "listIndexes" -> {
            }
            case "find" -> {
                assertThat(command.containsKey("sort")).as("sorted: %s", command.toJson()).isFalse();
                assertUniqueMatch(command.getDocument("filter"), command);
            }
            case "findAndModify" -> {
                assertThat(command.containsKey("sort")).as("sorted: %s", command.toJson()).isFalse();
                assertUniqueMatch(command.getDocument("query"), command);
            }
            case "update", "delete" -> {
                for (BsonValue statement : command.getArray("update".equals(name) ? "updates" : "deletes")) {
                    assertUniqueMatch(statement.asDocument().getDocument("q"), command);
                }
            }
            default -> throw new AssertionError("unexpected command " + command.toJson());
        }
    }

    private static void assertUniqueMatch(BsonDocument filter, BsonDocument command) {
        assertThat(filter.keySet()).as("filter fields of %s", command.toJson()).hasSize(1);
        String field = filter.getFirstKey();
        assertThat(UNIQUE_FIELDS).as("filter field of %s", command.toJson()).contains(field);
        BsonValue value = filter.get(field);
        if (value.isDocument()) {
            BsonDocument operator = value.asDocument();
            assertThat(operator.keySet()).as("operator of %s", command.toJson()).containsExactly("$in");
            BsonArray values = operator.getArray("$in");
            assertThat(values).as("$in values of %s", command.toJson())
                              .allMatch(v -> !v.isDocument() && !v.isArray());
        }
    }
}
