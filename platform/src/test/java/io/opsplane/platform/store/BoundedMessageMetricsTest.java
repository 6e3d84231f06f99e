package io.opsplane.platform.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.messaging.Message;
import org.axonframework.micrometer.GlobalMetricRegistry;
import org.axonframework.monitoring.MessageMonitor;
import org.axonframework.queryhandling.GenericQueryMessage;
import org.axonframework.queryhandling.QueryBus;
import org.axonframework.queryhandling.QueryMessage;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The message metrics a side registers: Axon's counts, timers and latency, and no ten-minute capacity window. */
class BoundedMessageMetricsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final BoundedMessageMetrics metrics = new BoundedMessageMetrics(meters);

    @Test
    @SuppressWarnings("unchecked")
    void aProcessorCountsAndTimesItsEventsWithTheirTagsAndKeepsNoCapacityWindow() {
        MessageMonitor<EventMessage<?>> processor = (MessageMonitor<EventMessage<?>>) metrics
                .registerComponentWithDefaultTags(TrackingEventProcessor.class, "state");
        for (int i = 0; i < 3; i++) {
            processor.onMessageIngested(GenericEventMessage.asEventMessage("event " + i)).reportSuccess();
        }

        Timer timer = meters.find("eventProcessor.allTimer").tags(Tags.of("processorName", "state")).timer();
        assertThat(timer).as("meters: %s", names()).isNotNull();
        assertThat(timer.count()).isEqualTo(3);
        assertThat(meters.find("eventProcessor.latency").tags("processorName", "state").meters()).as("meters: %s", names())
                .isNotEmpty();
        assertThat(meters.find("eventProcessor.successCounter").tags("processorName", "state").counter())
                .as("meters: %s", names()).isNotNull()
                .satisfies(counter -> assertThat(counter.count()).isEqualTo(3.0));
        assertNoCapacityMeter();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theBusesCountAndTimeTheirMessagesWithoutACapacityWindow() {
        MessageMonitor<Message<?>> commands = (MessageMonitor<Message<?>>) metrics
                .registerComponentWithDefaultTags(CommandBus.class, "commandBus");
        MessageMonitor<Message<?>> queries = (MessageMonitor<Message<?>>) metrics
                .registerComponentWithDefaultTags(QueryBus.class, "queryBus");
        commands.onMessageIngested(GenericCommandMessage.asCommandMessage("run")).reportSuccess();
        QueryMessage<String, String> query = new GenericQueryMessage<>("which", ResponseTypes.instanceOf(String.class));
        queries.onMessageIngested(query).reportFailure(new IllegalStateException("refused"));

        assertThat(meters.find("commandBus.allTimer").timer()).as("meters: %s", names()).isNotNull()
                .satisfies(timer -> assertThat(timer.count()).isEqualTo(1));
        assertThat(meters.find("queryBus.failureCounter").counter()).as("meters: %s", names()).isNotNull()
                .satisfies(counter -> assertThat(counter.count()).isEqualTo(1.0));
        assertNoCapacityMeter();
    }

    /**
     * Against Axon's own registry, for each kind of component: the same messages leave the same meters (name, tags,
     * kind), the same counts and the same published percentiles, the capacity gauges aside. Two payload types make
     * two tag sets; the meters are looked up once per set here, and that must not change what they count.
     */
    @ParameterizedTest
    @ValueSource(classes = {TrackingEventProcessor.class, CommandBus.class, EventBus.class, QueryBus.class,
        QueryUpdateEmitter.class})
    @SuppressWarnings("unchecked")
    void everyComponentKeepsAxonsMetersAndCounts(Class<?> component) {
        SimpleMeterRegistry axons = new SimpleMeterRegistry();
        MessageMonitor<Message<?>> reference = (MessageMonitor<Message<?>>) new GlobalMetricRegistry(axons)
                .registerComponentWithDefaultTags(component, "component");
        MessageMonitor<Message<?>> ours = (MessageMonitor<Message<?>>) metrics
                .registerComponentWithDefaultTags(component, "component");
        for (int i = 0; i < 12; i++) {
            Message<?> message = i % 3 == 0 ? GenericEventMessage.asEventMessage(i)
                    : GenericEventMessage.asEventMessage("event " + i);
            for (MessageMonitor<Message<?>> monitor : List.of(reference, ours)) {
                MessageMonitor.MonitorCallback callback = monitor.onMessageIngested(message);
                switch (i % 4) {
                    case 0 -> callback.reportSuccess();
                    case 1 -> callback.reportIgnored();
                    case 2 -> callback.reportFailure(new IllegalStateException("handler " + i));
                    default -> { } // still in flight: ingested, never reported
                }
            }
        }

        assertThat(readings(meters)).isNotEmpty().isEqualTo(readings(axons).stream()
                .filter(reading -> !reading.contains("capacity")).toList());
        assertNoCapacityMeter();
    }

    @Test
    void tagSetsBeyondTheCachedOnesAreStillCounted() {
        MessageMonitor<Message<?>> bus = MessageMeters.timedAndCounted(
                "commandBus", meters, message -> Tags.of("payloadType", message.getPayload().toString()));
        int tagSets = MessageMeters.CACHED_TAG_SETS + 10;
        for (int i = 0; i < 2 * tagSets; i++) {
            bus.onMessageIngested(GenericCommandMessage.asCommandMessage("type" + (i % tagSets))).reportSuccess();
        }

        assertThat(meters.find("commandBus.successCounter").counters()).hasSize(tagSets)
                .allSatisfy(counter -> assertThat(counter.count()).isEqualTo(2.0));
        assertThat(meters.find("commandBus.allTimer").timers()).hasSize(tagSets)
                .allSatisfy(timer -> assertThat(timer.count()).isEqualTo(2));
    }

    /** Each meter as "kind name tags: count [percentiles]", sorted. */
    private static List<String> readings(SimpleMeterRegistry registry) {
        return registry.getMeters().stream().map(meter -> {
            String reading = meter.getId().getType() + " " + meter.getId().getName() + " " + meter.getId().getTags();
            if (meter instanceof Counter counter) {
                return reading + ": " + counter.count();
            }
            if (meter instanceof Timer timer) {
                return reading + ": " + timer.count() + " " + Arrays.stream(timer.takeSnapshot().percentileValues())
                        .map(value -> String.valueOf(value.percentile())).toList();
            }
            return reading;
        }).sorted().toList();
    }

    private void assertNoCapacityMeter() {
        assertThat(names()).isNotEmpty().noneMatch(name -> name.toLowerCase().contains("capacity"));
    }

    private List<String> names() {
        return meters.getMeters().stream().map(Meter::getId).map(Meter.Id::getName).distinct().sorted().toList();
    }
}
