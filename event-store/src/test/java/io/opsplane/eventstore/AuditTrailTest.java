package io.opsplane.eventstore;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Updates;
import io.opsplane.eventstore.audit.Checkpoint;
import io.opsplane.eventstore.audit.ExportFormat;
import io.opsplane.eventstore.audit.ExportVerifier;
import io.opsplane.eventstore.audit.VerificationResult;
import org.axonframework.eventhandling.GenericEventMessage;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static com.mongodb.client.model.Filters.eq;
import static io.opsplane.eventstore.Events.noted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditTrailTest {

    private EmbeddedMongo mongo;
    private SequencedMongoEventStorageEngine engine;
    private AuditTrail trail;
    private MongoCollection<Document> events;

    @BeforeEach
    void start() {
        mongo = EmbeddedMongo.memory();
        engine = mongo.engine().batchSize(10).build();
        trail = new AuditTrail(engine, 5);
        events = mongo.database().getCollection("events");
    }

    @AfterEach
    void stop() {
        mongo.close();
    }

    /** 12 sealed events over three aggregates (positions 0..11, checkpoints of 5), then 3 unsealed ones (12..14). */
    private void sealedHistoryWithTail() {
        engine.appendEvents(noted("a", 0), noted("a", 1), noted("b", 0));
        engine.appendEvents(noted("c", 0));
        for (int sequence = 1; sequence < 5; sequence++) {
            engine.appendEvents(noted("b", sequence), noted("c", sequence));
        }
        assertThat(trail.seal()).isEqualTo(3);
        engine.appendEvents(noted("a", 2), noted("b", 5));
        engine.appendEvents(noted("c", 5));
    }

    @Test
    void chainsEachEventToThePreviousEventOfItsAggregate() {
        engine.appendEvents(noted("a", 0), noted("b", 0), noted("a", 1));
        engine.appendEvents(noted("a", 2));

        List<StoredEvent> stored = engine.readStored(-1, 10);

        assertThat(stored.get(0).previousHash()).isEqualTo(io.opsplane.eventstore.audit.AuditHashes.GENESIS);
        assertThat(stored.get(1).previousHash()).isEqualTo(io.opsplane.eventstore.audit.AuditHashes.GENESIS);
        assertThat(stored.get(2).previousHash()).isEqualTo(stored.get(0).hash());
        assertThat(stored.get(3).previousHash()).isEqualTo(stored.get(2).hash());
        assertThat(stored).extracting(StoredEvent::hash).doesNotHaveDuplicates().allMatch(h -> h.startsWith("sha256:"));
    }

    @Test
    void continuesTheChainAcrossWritersWhetherOrNotTheyLastSawThePredecessor() {
        SequencedMongoEventStorageEngine other = mongo.engine().batchSize(10).build();
        engine.appendEvents(noted("a", 0));
        other.appendEvents(noted("a", 1));   // other never saw event 0
        engine.appendEvents(noted("a", 2));  // engine last saw event 0, not 1
        assertThat(other.readEvents("a").asStream().count()).isEqualTo(3);
        other.appendEvents(noted("a", 3));   // other last saw event 2 while loading

        List<StoredEvent> stored = engine.readStored(-1, 10);

        assertThat(stored).hasSize(4);
        for (int i = 1; i < stored.size(); i++) {
            assertThat(stored.get(i).previousHash()).as("link of event %d", i).isEqualTo(stored.get(i - 1).hash());
        }
        assertThat(trail.verify().ok()).isTrue();
    }

    @Test
    void verifiesAnUntouchedStoreWithSealedRangesAndATail() {
        sealedHistoryWithTail();
        engine.appendEvents(GenericEventMessage.asEventMessage("not in an aggregate"));

        VerificationResult result = trail.verify();

        assertThat(result).isEqualTo(new VerificationResult(true, 16, null, null));
        assertThat(trail.lastCheckpoint().to()).isEqualTo(11);
        assertThat(trail.lastCheckpoint().index()).isEqualTo(2);
    }

    @Test
    void namesASealedEventWhosePayloadWasAltered() {
        sealedHistoryWithTail();
        events.updateOne(eq("_id", 7L), Updates.set("payload", "{\"text\":\"b#3, or so we say\"}"));

        assertThat(trail.verify().firstBrokenPosition()).isEqualTo(7);
        assertThat(trail.verify().ok()).isFalse();
    }

    @Test
    void namesATailEventWhoseMetadataWasAltered() {
        sealedHistoryWithTail();
        events.updateOne(eq("_id", 13L), Updates.set("metaData", "{\"by\":\"someone else\"}"));

        assertThat(trail.verify().firstBrokenPosition()).isEqualTo(13);
    }

    @Test
    void namesAnEventWhoseHashWasRecomputedAfterAlteringIt() {
        sealedHistoryWithTail();
        Document original = events.find(eq("_id", 4L)).first();
        events.updateOne(eq("_id", 4L), Updates.set("payload", "{\"text\":\"forged\"}"));
        StoredEvent altered = EventDocuments.toStoredEvent(events.find(eq("_id", 4L)).first());
        events.updateOne(eq("_id", 4L), Updates.set("hash",
                io.opsplane.eventstore.audit.AuditHashes.event(original.getString("previousHash"), altered)));

        // Its own hash now matches, but not the hash its checkpoint sealed.
        VerificationResult result = trail.verify();
        assertThat(result.firstBrokenPosition()).isEqualTo(4);
        assertThat(result.reason()).contains("after it was sealed");
    }

    @Test
    void namesASealedEventThatWasDeleted() {
        sealedHistoryWithTail();
        events.deleteOne(eq("_id", 5L));

        VerificationResult result = trail.verify();

        assertThat(result.firstBrokenPosition()).isEqualTo(5);
        assertThat(result.reason()).contains("missing");
    }

    @Test
    void namesTheSuccessorOfADeletedTailEventOnceTheGapTimeoutHasPassed() throws InterruptedException {
        engine = mongo.engine().batchSize(10).gapTimeout(Duration.ofMillis(100)).build();
        trail = new AuditTrail(engine, 5);
        sealedHistoryWithTail();
        engine.appendEvents(noted("a", 3));
        events.deleteOne(eq("_id", 12L));

        // An unsealed position's absence alone proves nothing (a writer may be in flight, or have crashed), so the
        // tail is read like tracking reads it; past the gap timeout the aggregate's chain names the break.
        VerificationResult result = trail.verify();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (result.ok() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            result = trail.verify();
        }
        assertThat(result.firstBrokenPosition()).isEqualTo(15);
    }

    @Test
    void namesAnEventInsertedWhereASealedRangeHeldNone() {
        engine.appendEvents(noted("a", 0));
        try {
            engine.appendEvents(noted("a", 0));
        } catch (EventStreamConflictException expected) {
            // leaves a placeholder at position 1
        }
        engine.appendEvents(noted("a", 1));
        trail.seal();
        assertThat(trail.lastCheckpoint().skipped()).containsExactly(1L);
        Document forged = events.find(eq("_id", 2L)).first();
        forged.put("_id", 1L);
        forged.put("aggregateSequenceKey", "x:0");
        forged.put("eventIdentifier", "forged");
        events.replaceOne(eq("_id", 1L), forged);

        assertThat(trail.verify().firstBrokenPosition()).isEqualTo(1);
    }

    @Test
    void namesACopiedEventInsertedAfterTheHead() {
        sealedHistoryWithTail();
        Document copy = events.find(eq("_id", 3L)).first();
        copy.put("_id", 15L);
        copy.put("aggregateSequenceKey", "c:99");
        copy.put("eventIdentifier", "copy");
        events.insertOne(copy);

        assertThat(trail.verify().firstBrokenPosition()).isEqualTo(15);

        mongo.database().getCollection("event_sequence").updateOne(eq("_id", "events"), Updates.inc("reserved", 1L));
        assertThat(trail.verify().firstBrokenPosition()).isEqualTo(15);
    }

    @Test
    void namesTheRangeOfADeletedCheckpoint() {
        sealedHistoryWithTail();
        mongo.database().getCollection("event_checkpoints").deleteOne(eq("_id", 1L));

        assertThat(trail.verify().firstBrokenPosition()).isEqualTo(5);

        mongo.database().getCollection("event_checkpoints").deleteOne(eq("_id", 2L));
        assertThatThrownBy(trail::seal).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void exportVerifiesOfflineAndTheOfflineVerifierFindsWhatTheOnlineOneFinds() throws IOException {
        sealedHistoryWithTail();

        assertThat(ExportVerifier.verify(new StringReader(export())))
                .isEqualTo(new VerificationResult(true, 15, null, null));

        events.deleteOne(eq("_id", 6L));
        assertThat(ExportVerifier.verify(new StringReader(export())).firstBrokenPosition()).isEqualTo(6);
        assertThat(trail.verify().firstBrokenPosition()).isEqualTo(6);
    }

    @Test
    void offlineVerifierNamesALineEditedInTheExportItself() throws IOException {
        sealedHistoryWithTail();
        String edited = export().replace("\"text\\\":\\\"c#2\\\"", "\"text\\\":\\\"c#20\\\"");
        assertThat(edited).isNotEqualTo(export());

        assertThat(ExportVerifier.verify(new StringReader(edited)).firstBrokenPosition()).isEqualTo(7);
    }

    @Test
    void exportWidensToWholeSealedRangesSoAPartialExportVerifies() throws IOException {
        sealedHistoryWithTail();
        StoredEvent seventh = engine.readStored(6, 1).get(0);
        StringBuilder export = new StringBuilder();
        List<Long> positions = new ArrayList<>();
        trail.export(seventh.timestamp(), null, sink(export, positions));

        assertThat(positions.get(0)).isLessThanOrEqualTo(7);
        assertThat(positions).endsWith(14L);
        assertThat(ExportVerifier.verify(new StringReader(export.toString())).ok()).isTrue();
    }

    @Test
    void concurrentWritersAndSealersKeepOneVerifiableChain() throws Exception {
        AuditTrail otherSealer = new AuditTrail(mongo.engine().batchSize(10).build(), 7);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> work = new ArrayList<>();
        for (int writer = 0; writer < 2; writer++) {
            String aggregate = "w" + writer;
            work.add(pool.submit(() -> {
                go.await();
                for (int sequence = 0; sequence < 60; sequence++) {
                    engine.appendEvents(noted(aggregate, sequence), noted(aggregate + "-" + sequence, 0));
                }
                return null;
            }));
        }
        for (AuditTrail sealer : List.of(trail, otherSealer)) {
            work.add(pool.submit(() -> {
                go.await();
                for (int round = 0; round < 40; round++) {
                    sealer.seal();
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> done : work) {
            done.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        trail.seal();

        assertThat(trail.verify()).isEqualTo(new VerificationResult(true, 240, null, null));
        assertThat(trail.lastCheckpoint().to()).isEqualTo(239);
    }

    private String export() {
        StringBuilder export = new StringBuilder();
        trail.export(null, null, sink(export, new ArrayList<>()));
        return export.toString();
    }

    private static AuditTrail.ExportSink sink(StringBuilder export, List<Long> positions) {
        return new AuditTrail.ExportSink() {
            @Override
            public void event(StoredEvent event) {
                positions.add(event.position());
                export.append(ExportFormat.eventLine(event, "note.noted")).append('\n');
            }

            @Override
            public void checkpoint(Checkpoint checkpoint) {
                export.append(ExportFormat.checkpointLine(checkpoint)).append('\n');
            }
        };
    }
}
