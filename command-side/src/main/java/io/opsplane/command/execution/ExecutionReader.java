package io.opsplane.command.execution;

import io.opsplane.api.execution.ExecutionPlannedEvent;
import io.opsplane.api.execution.ExecutionRequestedEvent;
import io.opsplane.api.execution.ExecutionRetriedEvent;
import io.opsplane.api.execution.ExecutionStartedEvent;
import io.opsplane.api.execution.ExecutionView;
import io.opsplane.api.execution.ExecutionViewReducer;
import io.opsplane.platform.store.EventPositions;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * Reads one execution straight from its event stream, so the command side answers with what is
 * stored now, not with a projection that may lag.
 */
@Component
class ExecutionReader {

    private final EventStore eventStore;
    private final EventPositions positions;

    ExecutionReader(EventStore eventStore, EventPositions positions) {
        this.eventStore = eventStore;
        this.positions = positions;
    }

    Optional<RecordedExecution> read(String executionId) {
        // From sequence 0: executions are never snapshotted, so the snapshot lookup would be a wasted read.
        DomainEventStream stream = eventStore.readEvents(executionId, 0);
        ExecutionView view = null;
        String requestHash = null;
        String runner = null;
        long lastSequence = -1;
        while (stream.hasNext()) {
            DomainEventMessage<?> event = stream.next();
            Object payload = event.getPayload();
            if (payload instanceof ExecutionRequestedEvent requested) {
                requestHash = requested.requestHash();
            } else if (payload instanceof ExecutionPlannedEvent planned) {
                requestHash = planned.requestHash();
            } else if (payload instanceof ExecutionStartedEvent started) {
                runner = started.runner();
            } else if (payload instanceof ExecutionRetriedEvent) {
                runner = null;
            }
            view = ExecutionViewReducer.apply(view, payload, event.getTimestamp(), -1);
            lastSequence = event.getSequenceNumber();
        }
        if (view == null) {
            return Optional.empty();
        }
        long position = positions.positionOf(executionId, lastSequence).orElse(-1);
        return Optional.of(new RecordedExecution(view.atPosition(position), requestHash, runner));
    }
}
