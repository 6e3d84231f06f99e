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
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reads one execution straight from its event stream, so the command side answers with what is
 * stored now, not with a projection that may lag; or tells it from the events this node has just
 * appended to that stream ({@link #fromAppended}), as the read would.
 */
@Component
class ExecutionReader {

    private final EventStore eventStore;
    private final EventPositions positions;
    /** The serializer the store writes and reads events with. */
    private final Serializer serializer;

    ExecutionReader(EventStore eventStore, EventPositions positions,
                    @Qualifier("eventSerializer") Serializer serializer) {
        this.eventStore = eventStore;
        this.positions = positions;
        this.serializer = serializer;
    }

    Optional<RecordedExecution> read(String executionId) {
        // From sequence 0: executions are never snapshotted, so the snapshot lookup would be a wasted read.
        DomainEventStream stream = eventStore.readEvents(executionId, 0);
        Fold fold = new Fold();
        while (stream.hasNext()) {
            DomainEventMessage<?> event = stream.next();
            fold.add(event.getPayload(), event.getTimestamp(), event.getSequenceNumber());
        }
        return fold.result(executionId);
    }

    /**
     * The execution as {@link #read} tells it once {@code appended} are stored, without reading them back: each
     * payload as the store gives it back (deserialized from the form it was stored in, so that a tool's output is
     * what was stored, not the objects the tool returned), the position of the last one as the append remembered it.
     * Empty unless they are the whole stream: its events from sequence 0 on, without a gap.
     */
    Optional<RecordedExecution> fromAppended(String executionId, List<? extends DomainEventMessage<?>> appended) {
        Fold fold = new Fold();
        for (DomainEventMessage<?> event : appended) {
            if (!executionId.equals(event.getAggregateIdentifier()) || !fold.continuesWith(event.getSequenceNumber())) {
                return Optional.empty();
            }
            Object stored = serializer.deserialize(event.serializePayload(serializer, String.class));
            fold.add(stored, event.getTimestamp(), event.getSequenceNumber());
        }
        return fold.result(executionId);
    }

    /** One execution's events, in sequence order, folded into its view, request hash and current runner. */
    private final class Fold {

        private ExecutionView view;
        private String requestHash;
        private String runner;
        private long lastSequence = -1;

        boolean continuesWith(long sequenceNumber) {
            return sequenceNumber == lastSequence + 1;
        }

        void add(Object payload, Instant timestamp, long sequenceNumber) {
            if (payload instanceof ExecutionRequestedEvent requested) {
                requestHash = requested.requestHash();
            } else if (payload instanceof ExecutionPlannedEvent planned) {
                requestHash = planned.requestHash();
            } else if (payload instanceof ExecutionStartedEvent started) {
                runner = started.runner();
            } else if (payload instanceof ExecutionRetriedEvent) {
                runner = null;
            }
            view = ExecutionViewReducer.apply(view, payload, timestamp, -1);
            lastSequence = sequenceNumber;
        }

        Optional<RecordedExecution> result(String executionId) {
            if (view == null) {
                return Optional.empty();
            }
            long position = positions.positionOf(executionId, lastSequence).orElse(-1);
            return Optional.of(new RecordedExecution(view.atPosition(position), requestHash, runner));
        }
    }
}
