package io.opsplane.eventstore;

import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.SerializedMetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SimpleSerializedObject;

import java.time.Instant;

/**
 * A stored event that no aggregate applied; Axon deserialises it to a plain tracked event message.
 */
record StoredTrackedEventData(TrackingToken trackingToken, StoredEvent event) implements TrackedEventData<String> {

    @Override
    public String getEventIdentifier() {
        return event.eventIdentifier();
    }

    @Override
    public Instant getTimestamp() {
        return event.timestamp();
    }

    @Override
    public SerializedObject<String> getMetaData() {
        return new SerializedMetaData<>(event.metadata(), String.class);
    }

    @Override
    public SerializedObject<String> getPayload() {
        return new SimpleSerializedObject<>(event.payload(), String.class,
                                            event.payloadType(), event.payloadRevision());
    }
}
