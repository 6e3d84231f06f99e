package io.opsplane.eventstore;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.opsplane.eventstore.Events.noted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConcurrentAppendTest {

    private static final int WRITERS = 16;

    @ParameterizedTest
    @ValueSource(strings = {"memory", "h2"})
    void exactlyOneOfManyWritersOfTheSameSequenceWins(String backend) throws Exception {
        try (EmbeddedMongo mongo = open(backend)) {
            // An hour-long gap timeout: any hole a loser left would stall the reads below.
            SequencedMongoEventStorageEngine engine = mongo.engine().gapTimeout(Duration.ofHours(1)).build();

            Race creation = race(engine, "contended", 0);
            for (long sequence = 1; sequence < 5; sequence++) {
                engine.appendEvents(noted("contended", sequence));
            }
            Race update = race(engine, "contended", 5);
            engine.appendEvents(noted("after-the-race", 0));

            assertThat(creation.wins.get()).isEqualTo(1);
            assertThat(creation.failures).hasSize(WRITERS - 1)
                                         .allSatisfy(failure -> assertThat(failure)
                                                 .isInstanceOf(EventStreamConflictException.class)
                                                 .isInstanceOf(ConcurrencyException.class)
                                                 .matches(f -> ((EventStreamConflictException) f).isCreation()));
            assertThat(update.wins.get()).isEqualTo(1);
            assertThat(update.failures).hasSize(WRITERS - 1)
                                       .allSatisfy(failure -> assertThat(failure)
                                               .isInstanceOf(EventStreamConflictException.class)
                                               .matches(f -> !((EventStreamConflictException) f).isCreation()));
            assertThat(engine.readEvents("contended").asStream().map(DomainEventMessage::getSequenceNumber))
                    .containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
            List<? extends TrackedEventMessage<?>> tracked = engine.readEvents(null, false).toList();
            assertThat(tracked).hasSize(7);
            assertThat(tracked.get(6).getPayload()).isEqualTo(new Noted("after-the-race#0"));
            assertThat(engine.readStored(-1, 1000)).hasSize(7);
            assertThat(engine.abandonedGaps()).isZero();
            assertThat(engine.headPosition()).isEqualTo(2L * WRITERS + 4);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "h2"})
    void aCommitThatConflictsHalfwayLeavesNoneOfItsEvents(String backend) {
        try (EmbeddedMongo mongo = open(backend)) {
            SequencedMongoEventStorageEngine engine = mongo.engine().gapTimeout(Duration.ofHours(1)).build();
            engine.appendEvents(noted("a", 0), noted("a", 1));
            engine.appendEvents(noted("a", 3));

            EventStreamConflictException conflict = catchThrowableOfType(
                    EventStreamConflictException.class,
                    () -> engine.appendEvents(noted("b", 0), noted("a", 2), noted("a", 3), noted("c", 0)));

            assertThat(conflict.aggregateIdentifier()).isEqualTo("a");
            assertThat(conflict.sequenceNumber()).isEqualTo(3);
            assertThat(engine.readEvents("b").hasNext()).isFalse();
            assertThat(engine.readEvents("c").hasNext()).isFalse();
            assertThat(engine.readEvents("a").asStream().map(DomainEventMessage::getSequenceNumber))
                    .containsExactly(0L, 1L);
            engine.appendEvents(noted("b", 0));
            assertThat(engine.readStored(-1, 100)).extracting(StoredEvent::aggregateIdentifier)
                                                  .containsExactly("a", "a", "a", "b");
        }
    }

    private static EmbeddedMongo open(String backend) {
        return "h2".equals(backend) ? EmbeddedMongo.h2() : EmbeddedMongo.memory();
    }

    private static Race race(SequencedMongoEventStorageEngine engine, String aggregate, long sequence)
            throws InterruptedException {
        Race race = new Race();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        for (int writer = 0; writer < WRITERS; writer++) {
            writers.submit(() -> {
                start.await();
                try {
                    engine.appendEvents(noted(aggregate, sequence));
                    race.wins.incrementAndGet();
                } catch (RuntimeException failure) {
                    race.failures.add(failure);
                }
                return null;
            });
        }
        start.countDown();
        writers.shutdown();
        assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        return race;
    }

    private static final class Race {
        final AtomicInteger wins = new AtomicInteger();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    }
}
