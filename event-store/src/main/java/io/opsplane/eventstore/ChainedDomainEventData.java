package io.opsplane.eventstore;

import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackingToken;

/** A stored event an aggregate applied, as tracking reads it, with the hash the audit chain gave it. */
final class ChainedDomainEventData extends TrackedDomainEventData<String> {

    private final String hash;

    ChainedDomainEventData(TrackingToken token, DomainEventData<String> entry, String hash) {
        super(token, entry);
        this.hash = hash;
    }

    String hash() {
        return hash;
    }
}
