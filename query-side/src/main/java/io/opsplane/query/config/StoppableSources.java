package io.opsplane.query.config;

import io.opsplane.platform.store.EventPositions;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The event store as each projection processor reads it, with a position it can be told to stop after. A replay uses
 * it to bring a processor to exactly the position of another before it swaps generations, so that no event is
 * handled twice or missed by any projection of the processor; otherwise a processor reads the store unbounded.
 * <p>
 * A processor that has worked off everything and sees a new event waits {@link QueryProperties#projectionGather()}
 * before it takes it, so that the events just behind it join the same batch: each batch costs its projections the
 * same reads and writes (the documents it touches, its list nodes, its token) whether it holds one event or fifty,
 * and one execution's events arrive over a few tens of milliseconds. A processor with a backlog never waits.
 */
@Component
public class StoppableSources {

    private final Map<String, Source> sources = new ConcurrentHashMap<>();
    private final long gatherNanos;

    public StoppableSources(QueryProperties properties) {
        this.gatherNanos = properties.projectionGather().toNanos();
    }

    /** The source processor {@code processor} reads: {@code store}, stoppable by {@link #stopAfter}. */
    public StreamableMessageSource<TrackedEventMessage<?>> of(String processor,
                                                             StreamableMessageSource<TrackedEventMessage<?>> store) {
        Source source = new Source(store, gatherNanos);
        sources.put(processor, source);
        return source;
    }

    /** Lets {@code processor} read no event after {@code position} until {@link #release}. */
    public void stopAfter(String processor, long position) {
        source(processor).limit = position;
    }

    public void release(String processor) {
        source(processor).limit = Long.MAX_VALUE;
    }

    /** Forgets a processor that will not run again (a replay's shadow). */
    public void forget(String processor) {
        sources.remove(processor);
    }

    private Source source(String processor) {
        Source source = sources.get(processor);
        if (source == null) {
            throw new IllegalStateException("Processor " + processor + " does not read a stoppable source");
        }
        return source;
    }

    private static final class Source implements StreamableMessageSource<TrackedEventMessage<?>> {

        private final StreamableMessageSource<TrackedEventMessage<?>> store;
        private final long gatherNanos;
        private volatile long limit = Long.MAX_VALUE;

        Source(StreamableMessageSource<TrackedEventMessage<?>> store, long gatherNanos) {
            this.store = store;
            this.gatherNanos = gatherNanos;
        }

        @Override
        public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken token) {
            return new Stream(store.openStream(token), this);
        }

        @Override
        public TrackingToken createTailToken() {
            return store.createTailToken();
        }

        @Override
        public TrackingToken createHeadToken() {
            return store.createHeadToken();
        }

        @Override
        public TrackingToken createTokenAt(Instant dateTime) {
            return store.createTokenAt(dateTime);
        }

        @Override
        public TrackingToken createTokenSince(Duration duration) {
            return store.createTokenSince(duration);
        }

        boolean allows(TrackedEventMessage<?> message) {
            return EventPositions.of(message.trackingToken()) <= limit;
        }
    }

    /** A stream that shows no event past its source's limit: to a processor, the store simply has none yet. */
    private record Stream(BlockingStream<TrackedEventMessage<?>> events, Source source)
            implements BlockingStream<TrackedEventMessage<?>> {

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            return events.peek().filter(source::allows);
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            boolean idle = source.gatherNanos > 0 && !events.hasNextAvailable();
            if (!events.hasNextAvailable(timeout, unit)) {
                return false;
            }
            if (peek().isPresent()) {
                if (idle) {
                    // The first event after a quiet spell: let the ones right behind it arrive.
                    TimeUnit.NANOSECONDS.sleep(source.gatherNanos);
                }
                return true;
            }
            // Held back: wait out the timeout as an idle store would, rather than have the processor spin.
            TimeUnit.NANOSECONDS.sleep(Math.max(0, deadline - System.nanoTime()));
            return peek().isPresent();
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            TrackedEventMessage<?> next = events.nextAvailable();
            if (!source.allows(next)) {
                throw new IllegalStateException("Read past the stop position " + source.limit);
            }
            return next;
        }

        @Override
        public void close() {
            events.close();
        }

        @Override
        public void skipMessagesWithPayloadTypeOf(TrackedEventMessage<?> ignoredMessage) {
            events.skipMessagesWithPayloadTypeOf(ignoredMessage);
        }

        @Override
        public boolean setOnAvailableCallback(Runnable callback) {
            return events.setOnAvailableCallback(callback);
        }
    }
}
