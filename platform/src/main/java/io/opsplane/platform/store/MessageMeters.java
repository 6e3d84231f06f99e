package io.opsplane.platform.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.axonframework.messaging.Message;
import org.axonframework.monitoring.MessageMonitor;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The meters Axon's {@code MessageTimerMonitor} and {@code MessageCountingMonitor} keep for a bus or a processor, with
 * the same names, tags and distribution settings, looked up once per tag set instead of once per message.
 * <p>
 * Axon's two monitors register their four timers and five counters with the registry for every message they see,
 * and every processor sees every event, including those it ignores: a registry lookup builds a meter id, merges the
 * common tags and runs the meter filters, so on the execution path that was about 6 % of the system's CPU
 * ({@code docs/performance.md}, issue 13). Here the tags a message yields select a cached set of meters; a tags
 * function with more than {@value #CACHED_TAG_SETS} distinct results is served uncached beyond that, as Axon would.
 */
final class MessageMeters implements MessageMonitor<Message<?>> {

    /** Axon's tags are a payload type and a processor name: a few dozen sets at most. */
    static final int CACHED_TAG_SETS = 512;
    /** No tags: one set of meters for every message. */
    static final Function<Message<?>, Iterable<Tag>> UNTAGGED = message -> Tags.empty();

    private final String prefix;
    private final MeterRegistry registry;
    private final Function<Message<?>, Iterable<Tag>> tags;
    private final boolean timers;
    private final boolean counters;
    private final Map<Tags, Meters> byTags = new ConcurrentHashMap<>();

    private MessageMeters(String prefix, MeterRegistry registry, Function<Message<?>, Iterable<Tag>> tags,
                          boolean timers, boolean counters) {
        this.prefix = prefix;
        this.registry = registry;
        this.tags = tags;
        this.timers = timers;
        this.counters = counters;
    }

    /** Axon's timers and counters together, both tagged by {@code tags}. */
    static MessageMeters timedAndCounted(String prefix, MeterRegistry registry,
                                         Function<Message<?>, Iterable<Tag>> tags) {
        return new MessageMeters(prefix, registry, tags, true, true);
    }

    /** Axon's four timers alone ({@code prefix.allTimer}, {@code .successTimer}, {@code .failureTimer}, …). */
    static MessageMeters timed(String prefix, MeterRegistry registry, Function<Message<?>, Iterable<Tag>> tags) {
        return new MessageMeters(prefix, registry, tags, true, false);
    }

    /** Axon's five counters alone ({@code prefix.ingestedCounter}, {@code .successCounter}, …). */
    static MessageMeters counted(String prefix, MeterRegistry registry, Function<Message<?>, Iterable<Tag>> tags) {
        return new MessageMeters(prefix, registry, tags, false, true);
    }

    @Override
    public MonitorCallback onMessageIngested(Message<?> message) {
        Tags key = Tags.of(tags.apply(message));
        Meters meters = byTags.get(key);
        if (meters == null) {
            meters = new Meters(key);
            if (byTags.size() < CACHED_TAG_SETS) {
                Meters raced = byTags.putIfAbsent(key, meters);
                meters = raced == null ? meters : raced;
            }
        }
        if (counters) {
            meters.ingested.increment();
        }
        return new Callback(meters, System.nanoTime());
    }

    /** What one ingested message reports to: the set of meters for its tags, and when it came in. */
    private final class Callback implements MonitorCallback {

        private final Meters meters;
        private final long startNanos;

        private Callback(Meters meters, long startNanos) {
            this.meters = meters;
            this.startNanos = startNanos;
        }

        @Override
        public void reportSuccess() {
            report(meters.success, meters.successCount, true);
        }

        @Override
        public void reportFailure(Throwable cause) {
            report(meters.failure, meters.failureCount, true);
        }

        @Override
        public void reportIgnored() {
            report(meters.ignored, meters.ignoredCount, false);
        }

        private void report(Timer timer, Counter counter, boolean processed) {
            if (timers) {
                long nanos = System.nanoTime() - startNanos;
                meters.all.record(nanos, TimeUnit.NANOSECONDS);
                timer.record(nanos, TimeUnit.NANOSECONDS);
            }
            if (counters) {
                counter.increment();
                if (processed) {
                    meters.processed.increment();
                }
            }
        }
    }

    /** One tag set's meters, registered once: null where this instance keeps no timers or no counters. */
    private final class Meters {

        private final Timer all;
        private final Timer success;
        private final Timer failure;
        private final Timer ignored;
        private final Counter ingested;
        private final Counter successCount;
        private final Counter failureCount;
        private final Counter processed;
        private final Counter ignoredCount;

        private Meters(Tags tags) {
            all = timers ? timer("allTimer", tags) : null;
            success = timers ? timer("successTimer", tags) : null;
            failure = timers ? timer("failureTimer", tags) : null;
            ignored = timers ? timer("ignoredTimer", tags) : null;
            ingested = counters ? registry.counter(prefix + ".ingestedCounter", tags) : null;
            successCount = counters ? registry.counter(prefix + ".successCounter", tags) : null;
            failureCount = counters ? registry.counter(prefix + ".failureCounter", tags) : null;
            processed = counters ? registry.counter(prefix + ".processedCounter", tags) : null;
            ignoredCount = counters ? registry.counter(prefix + ".ignoredCounter", tags) : null;
        }

        /** As Axon registers them: client-side percentiles over a ten-minute expiry. */
        private Timer timer(String name, Tags tags) {
            return Timer.builder(prefix + "." + name)
                    .distributionStatisticExpiry(Duration.ofMinutes(10))
                    .publishPercentiles(0.5, 0.75, 0.95, 0.98, 0.99, 0.999)
                    .tags(tags)
                    .register(registry);
        }
    }
}
