package io.opsplane.eventstore;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericTrackedDomainEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;

import java.util.Map;

/**
 * The two kinds of tracked message the engine delivers, each keeping its {@link ChainedEvent#chainHash()} when Axon
 * derives a message from it (a replay token, other metadata).
 */
final class ChainedMessages {

    private ChainedMessages() {
    }

    /** {@code message} with {@code hash}; a domain event stays a domain event. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static TrackedEventMessage<?> of(TrackedEventMessage<?> message, String hash) {
        if (message instanceof DomainEventMessage<?> domain) {
            return new Domain(message.trackingToken(), domain, hash);
        }
        return new Plain(message.trackingToken(), message, hash);
    }

    static final class Domain<T> extends GenericTrackedDomainEventMessage<T> implements ChainedEvent {

        private final String hash;

        Domain(TrackingToken token, DomainEventMessage<T> delegate, String hash) {
            super(token, delegate);
            this.hash = hash;
        }

        @Override
        public String chainHash() {
            return hash;
        }

        @Override
        public GenericTrackedDomainEventMessage<T> withTrackingToken(TrackingToken token) {
            return new Domain<>(token, this, hash);
        }

        @Override
        public GenericTrackedDomainEventMessage<T> withMetaData(Map<String, ?> metaData) {
            return new Domain<>(trackingToken(), super.withMetaData(metaData), hash);
        }

        @Override
        public GenericTrackedDomainEventMessage<T> andMetaData(Map<String, ?> metaData) {
            return new Domain<>(trackingToken(), super.andMetaData(metaData), hash);
        }
    }

    static final class Plain<T> extends GenericTrackedEventMessage<T> implements ChainedEvent {

        private final String hash;

        Plain(TrackingToken token, org.axonframework.eventhandling.EventMessage<T> delegate, String hash) {
            super(token, delegate);
            this.hash = hash;
        }

        @Override
        public String chainHash() {
            return hash;
        }

        @Override
        public GenericTrackedEventMessage<T> withTrackingToken(TrackingToken token) {
            return new Plain<>(token, this, hash);
        }

        @Override
        public GenericTrackedEventMessage<T> withMetaData(Map<String, ?> metaData) {
            return new Plain<>(trackingToken(), super.withMetaData(metaData), hash);
        }

        @Override
        public GenericTrackedEventMessage<T> andMetaData(Map<String, ?> metaData) {
            return new Plain<>(trackingToken(), super.andMetaData(metaData), hash);
        }
    }
}
