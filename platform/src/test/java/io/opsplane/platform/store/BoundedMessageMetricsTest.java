package io.opsplane.platform.store;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.messaging.Message;
import org.axonframework.monitoring.MessageMonitor;
import org.axonframework.queryhandling.GenericQueryMessage;
import org.axonframework.queryhandling.QueryBus;
import org.axonframework.queryhandling.QueryMessage;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.junit.jupiter.api.Test;

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

    private void assertNoCapacityMeter() {
        assertThat(names()).isNotEmpty().noneMatch(name -> name.toLowerCase().contains("capacity"));
    }

    private List<String> names() {
        return meters.getMeters().stream().map(Meter::getId).map(Meter.Id::getName).distinct().sorted().toList();
    }
}
