package io.opsplane.eventstore;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.MetaData;

import java.time.Instant;
import java.util.UUID;

final class Events {

    private Events() {
    }

    static DomainEventMessage<Noted> noted(String aggregateId, long sequence) {
        return noted(aggregateId, sequence, Instant.now());
    }

    static DomainEventMessage<Noted> noted(String aggregateId, long sequence, Instant timestamp) {
        return new GenericDomainEventMessage<>("Note", aggregateId, sequence, new Noted(aggregateId + "#" + sequence),
                                               MetaData.with("by", "test"), UUID.randomUUID().toString(), timestamp);
    }
}
