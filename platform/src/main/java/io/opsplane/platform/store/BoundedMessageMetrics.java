package io.opsplane.platform.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.micrometer.EventProcessorLatencyMonitor;
import org.axonframework.micrometer.GlobalMetricRegistry;
import org.axonframework.micrometer.MessageCountingMonitor;
import org.axonframework.micrometer.MessageTimerMonitor;
import org.axonframework.monitoring.MessageMonitor;
import org.axonframework.monitoring.MultiMessageMonitor;
import org.axonframework.queryhandling.QueryMessage;

import java.util.function.Function;

/**
 * Axon's message metrics (counts, timers, each processor's latency) in the Micrometer registry, without Axon's
 * {@code CapacityMonitor}. That monitor keeps the duration of every message each processor and bus handles, for a
 * sliding window of ten minutes, in a skip list: under load that is hundreds of megabytes that live longer than a
 * young collection and then die, which the collector promotes and then collects whole (see
 * {@code docs/performance.md}, issue 13). What it reported, a handler's busy share, is the processor's timer's total
 * time over an interval, which Prometheus derives from the timer ({@code rate(..._seconds_sum[5m])}).
 * <p>
 * Takes the place of the auto-configured registry (which Axon's Spring Boot support creates only when none exists);
 * the names and tags of every remaining meter are Axon's own, dimensional or not.
 */
public class BoundedMessageMetrics extends GlobalMetricRegistry {

    public BoundedMessageMetrics(MeterRegistry registry) {
        super(registry);
    }

    @Override
    public MessageMonitor<? super EventMessage<?>> registerEventProcessor(String name) {
        return new MultiMessageMonitor<>(
                MessageTimerMonitor.buildMonitor(name, getRegistry()),
                EventProcessorLatencyMonitor.builder().meterNamePrefix(name).meterRegistry(getRegistry()).build(),
                MessageCountingMonitor.buildMonitor(name, getRegistry()));
    }

    @Override
    public MessageMonitor<? super EventMessage<?>> registerEventProcessor(
            String name, Function<Message<?>, Iterable<Tag>> tags, Function<Message<?>, Iterable<Tag>> latencyTags) {
        return new MultiMessageMonitor<>(
                MessageTimerMonitor.buildMonitor(name, getRegistry(), tags),
                EventProcessorLatencyMonitor.builder().meterNamePrefix(name).meterRegistry(getRegistry())
                        .tagsBuilder(latencyTags).build(),
                MessageCountingMonitor.buildMonitor(name, getRegistry(), tags));
    }

    @Override
    public MessageMonitor<? super CommandMessage<?>> registerCommandBus(String name) {
        return handlerMonitor(name);
    }

    @Override
    public MessageMonitor<? super CommandMessage<?>> registerCommandBus(String name,
                                                                       Function<Message<?>, Iterable<Tag>> tags) {
        return handlerMonitor(name, tags);
    }

    @Override
    public MessageMonitor<? super QueryMessage<?, ?>> registerQueryBus(String name) {
        return handlerMonitor(name);
    }

    @Override
    public MessageMonitor<? super QueryMessage<?, ?>> registerQueryBus(String name,
                                                                      Function<Message<?>, Iterable<Tag>> tags) {
        return handlerMonitor(name, tags);
    }

    private MessageMonitor<Message<?>> handlerMonitor(String name) {
        return new MultiMessageMonitor<>(MessageTimerMonitor.buildMonitor(name, getRegistry()),
                MessageCountingMonitor.buildMonitor(name, getRegistry()));
    }

    private MessageMonitor<Message<?>> handlerMonitor(String name, Function<Message<?>, Iterable<Tag>> tags) {
        return new MultiMessageMonitor<>(MessageTimerMonitor.buildMonitor(name, getRegistry(), tags),
                MessageCountingMonitor.buildMonitor(name, getRegistry(), tags));
    }
}
