package io.opsplane.eventstore;

import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.opsplane.eventstore.Events.noted;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One writer's commit lands 2 s after its reservation while writers with clocks skewed by ±2 s keep writing; every
 * tracking consumer must still see every event exactly once, in position order.
 */
class OrderedTrackingTest {

    private static final int COMMITS_PER_WRITER = 40;
    private static final int SLOW_COMMIT = 10;

    @Test
    void everyConsumerSeesEveryEventOnceInOrderDespiteALateWriterAndSkewedClocks() throws Exception {
        try (EmbeddedMongo mongo = EmbeddedMongo.memory()) {
            AtomicInteger slowCommits = new AtomicInteger();
            AtomicBoolean overtaken = new AtomicBoolean();
            Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(2));
            Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-2));
            SequencedMongoEventStorageEngine[] holder = new SequencedMongoEventStorageEngine[1];
            SequencedMongoEventStorageEngine slowWriter = mongo.engine().clock(behind).reservationHook((first, count) -> {
                if (slowCommits.incrementAndGet() == SLOW_COMMIT) {
                    SequencedMongoEventStorageEngineTest.sleep(2_000);
                    overtaken.set(holder[0].headPosition() > first + count);
                }
            }).build();
            holder[0] = slowWriter;
            SequencedMongoEventStorageEngine fastWriter = mongo.engine().clock(ahead).build();
            SequencedMongoEventStorageEngine plainWriter = mongo.engine().build();

            List<EmbeddedEventStore> stores = List.of(readerStore(mongo), readerStore(mongo));
            ExecutorService threads = Executors.newCachedThreadPool();
            AtomicInteger expected = new AtomicInteger(Integer.MAX_VALUE);
            List<Future<List<TrackedEventMessage<?>>>> consumers = new ArrayList<>();
            for (EmbeddedEventStore store : stores) {
                for (int consumer = 0; consumer < 2; consumer++) {
                    consumers.add(threads.submit(() -> consume(store, expected)));
                }
            }

            Map<String, String> appended = new ConcurrentHashMap<>();
            List<Future<?>> writers = List.of(
                    threads.submit(() -> write(slowWriter, "slow", behind, appended)),
                    threads.submit(() -> write(fastWriter, "fast", ahead, appended)),
                    threads.submit(() -> write(plainWriter, "plain", Clock.systemUTC(), appended)),
                    threads.submit(() -> write(plainWriter, "other", Clock.systemUTC(), appended)));
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
            expected.set(appended.size());

            List<String> inPositionOrder = plainWriter.readStored(-1, 10_000).stream()
                                                      .sorted(Comparator.comparingLong(StoredEvent::position))
                                                      .map(StoredEvent::eventIdentifier)
                                                      .toList();
            assertThat(inPositionOrder).hasSize(appended.size()).containsExactlyInAnyOrderElementsOf(appended.keySet());
            assertThat(overtaken).as("later commits were stored while the slow one was held").isTrue();
            for (Future<List<TrackedEventMessage<?>>> consumer : consumers) {
                List<TrackedEventMessage<?>> seen = consumer.get(60, TimeUnit.SECONDS);
                assertThat(seen).extracting(EventMessage::getIdentifier).containsExactlyElementsOf(inPositionOrder);
                assertThat(seen).extracting(m -> SequencedMongoEventStorageEngine.positionOf(m.trackingToken()))
                                .isSorted().doesNotHaveDuplicates();
            }
            stores.forEach(EmbeddedEventStore::shutDown);
            threads.shutdownNow();
        }
    }

    /** A tracking reader in its own "process": its own engine instance and event store. */
    private static EmbeddedEventStore readerStore(EmbeddedMongo mongo) {
        return EmbeddedEventStore.builder()
                                 .storageEngine(mongo.engine().batchSize(7).build())
                                 .fetchDelay(20)
                                 .build();
    }

    private static List<TrackedEventMessage<?>> consume(EmbeddedEventStore store, AtomicInteger expected)
            throws InterruptedException {
        List<TrackedEventMessage<?>> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (BlockingStream<TrackedEventMessage<?>> stream = store.openStream(null)) {
            while (seen.size() < expected.get() && System.nanoTime() < deadline) {
                if (stream.hasNextAvailable(100, TimeUnit.MILLISECONDS)) {
                    seen.add(stream.nextAvailable());
                }
            }
        }
        return seen;
    }

    private static void write(SequencedMongoEventStorageEngine engine, String prefix, Clock clock,
                              Map<String, String> appended) {
        for (int commit = 0; commit < COMMITS_PER_WRITER; commit++) {
            String aggregate = prefix + "-" + (commit % 5);
            long next = engine.lastSequenceNumberFor(aggregate).map(last -> last + 1).orElse(0L);
            List<EventMessage<?>> events = new ArrayList<>();
            for (int i = 0; i <= commit % 3; i++) {
                events.add(noted(aggregate, next + i, Instant.now(clock)));
            }
            engine.appendEvents(events);
            events.forEach(event -> appended.put(event.getIdentifier(), aggregate));
            SequencedMongoEventStorageEngineTest.sleep(15);
        }
    }
}
