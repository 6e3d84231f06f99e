package io.opsplane.command.approval;

import io.opsplane.api.approval.ApprovalRequestView;
import io.opsplane.api.approval.ApprovalRequestViewReducer;
import io.opsplane.api.approval.ApprovalRequestedEvent;
import io.opsplane.platform.store.EventPositions;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

import java.util.Optional;

/** Reads one approval request straight from its stream, so command answers show what is stored now. */
@Component
class ApprovalReader {

    private final EventStore eventStore;
    private final EventPositions positions;

    ApprovalReader(EventStore eventStore, EventPositions positions) {
        this.eventStore = eventStore;
        this.positions = positions;
    }

    /** The view and the request hash its idempotency key was first used with. */
    record Recorded(ApprovalRequestView view, String requestHash) {
    }

    /** The event that opened the request: what it pinned (tool reference, redacted input, reason). */
    Optional<ApprovalRequestedEvent> requested(String requestId) {
        DomainEventStream stream = eventStore.readEvents(requestId);
        while (stream.hasNext()) {
            if (stream.next().getPayload() instanceof ApprovalRequestedEvent requested) {
                return Optional.of(requested);
            }
        }
        return Optional.empty();
    }

    Optional<Recorded> read(String requestId) {
        DomainEventStream stream = eventStore.readEvents(requestId);
        ApprovalRequestView view = null;
        String requestHash = null;
        long lastSequence = -1;
        while (stream.hasNext()) {
            DomainEventMessage<?> event = stream.next();
            if (event.getPayload() instanceof ApprovalRequestedEvent requested) {
                requestHash = requested.requestHash();
            }
            view = ApprovalRequestViewReducer.apply(view, event.getPayload(), event.getTimestamp(), -1);
            lastSequence = event.getSequenceNumber();
        }
        if (view == null) {
            return Optional.empty();
        }
        long position = positions.positionOf(requestId, lastSequence).orElse(-1);
        return Optional.of(new Recorded(view.atPosition(position), requestHash));
    }
}
