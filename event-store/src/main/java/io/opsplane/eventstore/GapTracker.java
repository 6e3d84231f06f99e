package io.opsplane.eventstore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides when a reserved but unwritten position (a hole) may be passed over by readers.
 * <p>
 * A hole is normally an append in flight, so readers wait for it. It is abandoned when this process has watched it
 * stay empty for {@code gapTimeout} on its own monotonic clock, or when an event stored after it was reserved more
 * than twice {@code gapTimeout} ago by its writer's clock (which covers readers that start long after a writer
 * crashed, while tolerating writer clock skew of up to {@code gapTimeout}). Writers' clocks never shorten the wait
 * below what this process observed itself, so a writer a few seconds late or skewed is waited for.
 */
final class GapTracker {

    private static final Logger log = LoggerFactory.getLogger(GapTracker.class);
    private static final int MAX_TRACKED = 100_000;

    private final long timeoutNanos;
    private final long storedAgeMillis;
    private final Map<Long, Long> firstSeenMissing = new ConcurrentHashMap<>();
    private final Set<Long> abandoned = ConcurrentHashMap.newKeySet();
    private final AtomicLong abandonedCount = new AtomicLong();

    GapTracker(Duration gapTimeout) {
        this.timeoutNanos = gapTimeout.toNanos();
        this.storedAgeMillis = gapTimeout.multipliedBy(2).toMillis();
    }

    void missing(long position, long nowNanos) {
        if (firstSeenMissing.size() >= MAX_TRACKED) {
            firstSeenMissing.clear();
        }
        firstSeenMissing.putIfAbsent(position, nowNanos);
    }

    void present(long position) {
        firstSeenMissing.remove(position);
    }

    /**
     * @param laterReservedAtMillis the writer's reservation time of the first stored event after the hole, or
     *                              {@code null} when none was seen
     */
    boolean mayPass(long position, Long laterReservedAtMillis, long nowNanos, long nowMillis) {
        if (abandoned.contains(position)) {
            return true;
        }
        Long seen = firstSeenMissing.get(position);
        boolean waitedHere = seen != null && nowNanos - seen >= timeoutNanos;
        boolean oldInStore = laterReservedAtMillis != null && nowMillis - laterReservedAtMillis >= storedAgeMillis;
        if (!waitedHere && !oldInStore) {
            return false;
        }
        if (abandoned.size() >= MAX_TRACKED) {
            abandoned.clear();
        }
        abandoned.add(position);
        firstSeenMissing.remove(position);
        abandonedCount.incrementAndGet();
        log.warn("Abandoning event position {}: reserved but still unwritten after the gap timeout; "
                         + "its writer most likely died between reserving and inserting", position);
        return true;
    }

    long abandonedCount() {
        return abandonedCount.get();
    }
}
