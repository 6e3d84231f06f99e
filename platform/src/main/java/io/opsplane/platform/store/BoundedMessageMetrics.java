package io.opsplane.platform.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.micrometer.EventProcessorLatencyMonitor;
import org.axonframework.micrometer.GlobalMetricRegistry;
import org.axonframework.micrometer.TagsUtil;
import org.axonframework.monitoring.MessageMonitor;
import org.axonframework.monitoring.MultiMessageMonitor;
import org.axonframework.queryhandling.QueryMessage;
import org.axonframework.queryhandling.QueryUpdateEmitter;

import java.util.function.Function;

/**
 * Axon's message metrics (counts, timers, each processor's latency) in the Micrometer registry, without Axon's
 * {@code CapacityMonitor}. That monitor keeps the duration of every message each processor and bus handles, for a
 * sliding window of ten minutes, in a skip list: under load that is hundreds of megabytes that live longer than a
 * young collection and then die, which the collector promotes and then collects whole (see
 * {@code docs/performance.md}, issue 13). What it reported, a handler's busy share, is the processor's timer's total
 * time over an interval, which Prometheus derives from the timer ({@code rate(..._seconds_sum[5m])}).
 * <p>
 * Its counters and timers are {@link MessageMeters}: Axon's, registered once per tag set rather than per message.
 * <p>
 * Takes the place of the auto-configured registry (which Axon's Spring Boot support creates only when none exists);
 * the names and tags of every remaining meter are Axon's own, dimensional or not.
 */
public class BoundedMessageMetrics extends GlobalMetricRegistry {

    public BoundedMessageMetrics(MeterRegistry registry) {
        super(registry);
    }

    /** Axon's own registration of a query update emitter is private and adds a capacity window: this one does not. */
    @Override
    public MessageMonitor<? extends Message<?>> registerComponent(Class<?> componentType, String componentName) {
        if (QueryUpdateEmitter.class.isAssignableFrom(componentType)) {
            return handlerMonitor(componentName, MessageMeters.UNTAGGED);
        }
        return super.registerComponent(componentType, componentName);
    }

    @Override
    public MessageMonitor<? extends Message<?>> registerComponentWithDefaultTags(Class<?> componentType,
                                                                                 String componentName) {
        if (QueryUpdateEmitter.class.isAssignableFrom(componentType)) {
            return handlerMonitor(componentName, TagsUtil.PAYLOAD_TYPE_TAGGER_FUNCTION);
        }
        return super.registerComponentWithDefaultTags(componentType, componentName);
    }

    @Override
    public MessageMonitor<? super EventMessage<?>> registerEventProcessor(String name) {
        return registerEventProcessor(name, MessageMeters.UNTAGGED, MessageMeters.UNTAGGED);
    }

    @Override
    public MessageMonitor<? super EventMessage<?>> registerEventProcessor(
            String name, Function<Message<?>, Iterable<Tag>> tags, Function<Message<?>, Iterable<Tag>> latencyTags) {
        return new MultiMessageMonitor<>(
                MessageMeters.timedAndCounted(name, getRegistry(), tags),
                EventProcessorLatencyMonitor.builder().meterNamePrefix(name).meterRegistry(getRegistry())
                        .tagsBuilder(latencyTags).build());
    }

    @Override
    public MessageMonitor<? super CommandMessage<?>> registerCommandBus(String name) {
        return handlerMonitor(name, MessageMeters.UNTAGGED);
    }

    @Override
    public MessageMonitor<? super CommandMessage<?>> registerCommandBus(String name,
                                                                       Function<Message<?>, Iterable<Tag>> tags) {
        return handlerMonitor(name, tags);
    }

    @Override
    public MessageMonitor<? super QueryMessage<?, ?>> registerQueryBus(String name) {
        return handlerMonitor(name, MessageMeters.UNTAGGED);
    }

    @Override
    public MessageMonitor<? super QueryMessage<?, ?>> registerQueryBus(String name,
                                                                      Function<Message<?>, Iterable<Tag>> tags) {
        return handlerMonitor(name, tags);
    }

    @Override
    public MessageMonitor<? super EventMessage<?>> registerEventBus(String name) {
        return registerEventBus(name, MessageMeters.UNTAGGED);
    }

    /** As Axon's: the event bus's timers carry the tags, its counters none. */
    @Override
    public MessageMonitor<? super EventMessage<?>> registerEventBus(String name,
                                                                   Function<Message<?>, Iterable<Tag>> tags) {
        return new MultiMessageMonitor<>(MessageMeters.counted(name, getRegistry(), MessageMeters.UNTAGGED),
                                         MessageMeters.timed(name, getRegistry(), tags));
    }

    private MessageMonitor<Message<?>> handlerMonitor(String name, Function<Message<?>, Iterable<Tag>> tags) {
        return MessageMeters.timedAndCounted(name, getRegistry(), tags);
    }
}
