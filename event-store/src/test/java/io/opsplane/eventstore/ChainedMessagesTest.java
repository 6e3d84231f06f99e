package io.opsplane.eventstore;

import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** A tracked message keeps its stored hash whatever Axon derives from it, for events with and without an aggregate. */
class ChainedMessagesTest {

    @Test
    void theHashSurvivesANewTokenAndNewMetadataForDomainAndPlainEvents() {
        GlobalSequenceTrackingToken token = new GlobalSequenceTrackingToken(7);
        List<TrackedEventMessage<?>> messages = List.of(
                ChainedMessages.of(new GenericTrackedEventMessage<>(token,
                        new GenericDomainEventMessage<>("Agg", "a-1", 0, "payload")), "sha256:domain"),
                ChainedMessages.of(new GenericTrackedEventMessage<>(token,
                        GenericEventMessage.asEventMessage("payload")), "sha256:plain"));
        List<UnaryOperator<TrackedEventMessage<?>>> derivations = List.of(
                m -> m.withTrackingToken(new GlobalSequenceTrackingToken(8)),
                m -> (TrackedEventMessage<?>) m.withMetaData(Map.of("k", "v")),
                m -> (TrackedEventMessage<?>) m.andMetaData(Map.of("k", "v")));
        for (TrackedEventMessage<?> message : messages) {
            String hash = ((ChainedEvent) message).chainHash();
            for (UnaryOperator<TrackedEventMessage<?>> derive : derivations) {
                TrackedEventMessage<?> derived = derive.apply(message);
                assertThat(derived).as("%s derived", message.getPayloadType()).isInstanceOf(ChainedEvent.class);
                assertThat(((ChainedEvent) derived).chainHash()).isEqualTo(hash);
            }
        }
    }
}
