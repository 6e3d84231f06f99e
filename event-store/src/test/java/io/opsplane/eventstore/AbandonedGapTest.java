package io.opsplane.eventstore;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.opsplane.eventstore.Events.noted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A writer that dies between reserving positions and inserting leaves a real hole; readers must get past it. */
class AbandonedGapTest {

    private static final Duration GAP_TIMEOUT = Duration.ofSeconds(1);

    @Test
    void readersPassAHoleLargerThanABatchOnceItOutlivesTheGapTimeout() {
        try (EmbeddedMongo mongo = EmbeddedMongo.memory()) {
            SequencedMongoEventStorageEngine writer = mongo.engine().build();
            SequencedMongoEventStorageEngine crashing = mongo.engine().reservationHook((first, count) -> {
                throw new IllegalStateException("writer died after reserving " + count + " positions");
            }).build();
            SequencedMongoEventStorageEngine reader = mongo.engine().batchSize(5).gapTimeout(GAP_TIMEOUT).build();

            writer.appendEvents(noted("before", 0), noted("before", 1));
            assertThatThrownBy(() -> crashing.appendEvents(commitOf("lost", 12))).isInstanceOf(IllegalStateException.class);
            writer.appendEvents(noted("after", 0), noted("after", 1), noted("after", 2));

            List<String> firstPoll = payloads(reader.readEvents(null, false).toList());
            List<TrackedEventMessage<?>> seen = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seen.size() < 5 && System.nanoTime() < deadline) {
                TrackedEventMessage<?> last = seen.isEmpty() ? null : seen.get(seen.size() - 1);
                seen.addAll(reader.readEvents(last == null ? null : last.trackingToken(), false).toList());
                SequencedMongoEventStorageEngineTest.sleep(50);
            }

            assertThat(firstPoll).containsExactly("before#0", "before#1");
            assertThat(payloads(seen)).containsExactly("before#0", "before#1", "after#0", "after#1", "after#2");
            assertThat(reader.abandonedGaps()).isEqualTo(12);
            assertThat(reader.readStored(1, 10)).extracting(StoredEvent::position).containsExactly(14L, 15L, 16L);
        }
    }

    @Test
    void aReaderStartingLongAfterTheCrashPassesTheHoleWithoutWaiting() {
        try (EmbeddedMongo mongo = EmbeddedMongo.memory()) {
            SequencedMongoEventStorageEngine writer = mongo.engine().build();
            SequencedMongoEventStorageEngine crashing = mongo.engine().reservationHook((first, count) -> {
                throw new IllegalStateException("writer died");
            }).build();
            writer.appendEvents(noted("before", 0));
            assertThatThrownBy(() -> crashing.appendEvents(commitOf("lost", 3))).isInstanceOf(IllegalStateException.class);
            writer.appendEvents(noted("after", 0));
            // A reader whose clock says the later event was reserved an hour ago.
            SequencedMongoEventStorageEngine lateReader = mongo.engine()
                                                               .gapTimeout(GAP_TIMEOUT)
                                                               .clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(1)))
                                                               .build();
            SequencedMongoEventStorageEngine currentReader = mongo.engine().gapTimeout(Duration.ofHours(1)).build();

            assertThat(payloads(lateReader.readEvents(null, false).toList())).containsExactly("before#0", "after#0");
            assertThat(payloads(currentReader.readEvents(null, false).toList())).containsExactly("before#0");
        }
    }

    private static List<EventMessage<?>> commitOf(String aggregate, int count) {
        List<EventMessage<?>> events = new ArrayList<>();
        for (int sequence = 0; sequence < count; sequence++) {
            events.add(noted(aggregate, sequence));
        }
        return events;
    }

    private static List<String> payloads(List<? extends TrackedEventMessage<?>> messages) {
        return messages.stream().map(message -> ((Noted) message.getPayload()).text()).toList();
    }
}
