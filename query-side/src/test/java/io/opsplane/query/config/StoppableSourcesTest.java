package io.opsplane.query.config;

import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class StoppableSourcesTest {

    private final Events store = new Events();

    @Test
    void aProcessorThatWasIdleWaitsForTheEventsRightBehindTheFirstBeforeItTakesIt() throws Exception {
        BlockingStream<TrackedEventMessage<?>> stream = sources(Duration.ofSeconds(2)).openStream(null);
        CompletableFuture<Integer> visibleWhenTold = CompletableFuture.supplyAsync(() -> {
            try {
                assertThat(stream.hasNextAvailable(30, TimeUnit.SECONDS)).isTrue();
                return store.size();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // The processor is idle: it waits for the store before the first event is there.
        assertThat(store.waiting.await(30, TimeUnit.SECONDS)).isTrue();
        store.append(1);
        assertThat(store.firstSeen.await(30, TimeUnit.SECONDS)).isTrue();
        store.append(2);

        assertThat(visibleWhenTold.get(30, TimeUnit.SECONDS)).isEqualTo(2);
    }

    @Test
    void aProcessorWithEventsWaitingTakesThemAtOnce() {
        BlockingStream<TrackedEventMessage<?>> stream = sources(Duration.ofHours(1)).openStream(null);
        store.append(1);

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            assertThat(stream.hasNextAvailable(30, TimeUnit.SECONDS)).isTrue();
            assertThat(stream.nextAvailable().trackingToken()).isEqualTo(new GlobalSequenceTrackingToken(1));
        });
    }

    @Test
    void withoutAGatherTimeAnIdleProcessorTakesTheFirstEventAlone() {
        BlockingStream<TrackedEventMessage<?>> stream = sources(Duration.ZERO).openStream(null);

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            CompletableFuture<Boolean> told = CompletableFuture.supplyAsync(() -> {
                try {
                    return stream.hasNextAvailable(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            store.append(1);
            assertThat(told.get()).isTrue();
        });
    }

    private StreamableMessageSource<TrackedEventMessage<?>> sources(Duration gather) {
        return new StoppableSources(new QueryProperties(Duration.ofSeconds(5), Duration.ofMillis(20), 1000, gather))
                .of("state", store);
    }

    /** The store as a processor reads it: events by position, a wait for the next one. */
    private static final class Events implements StreamableMessageSource<TrackedEventMessage<?>>,
            BlockingStream<TrackedEventMessage<?>> {

        private final LinkedBlockingDeque<TrackedEventMessage<?>> events = new LinkedBlockingDeque<>();
        private final CountDownLatch firstSeen = new CountDownLatch(1);
        private final CountDownLatch waiting = new CountDownLatch(1);

        void append(long position) {
            events.add(new GenericTrackedEventMessage<>(new GlobalSequenceTrackingToken(position),
                    GenericEventMessage.asEventMessage("event " + position)));
        }

        int size() {
            return events.size();
        }

        @Override
        public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken token) {
            return this;
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            Optional<TrackedEventMessage<?>> next = Optional.ofNullable(events.peek());
            next.ifPresent(event -> firstSeen.countDown());
            return next;
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            if (timeout > 0) {
                waiting.countDown();
            }
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            while (events.isEmpty()) {
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                TimeUnit.MILLISECONDS.sleep(1);
            }
            return true;
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() {
            return events.remove();
        }

        @Override
        public void close() {
        }

        @Override
        public TrackingToken createTailToken() {
            return null;
        }

        @Override
        public TrackingToken createHeadToken() {
            return null;
        }

        @Override
        public TrackingToken createTokenAt(Instant dateTime) {
            return null;
        }
    }
}
