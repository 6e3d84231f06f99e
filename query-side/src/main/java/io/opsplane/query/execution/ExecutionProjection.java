package io.opsplane.query.execution;

import io.opsplane.api.execution.ExecutionView;
import io.opsplane.api.execution.ExecutionViewReducer;
import io.opsplane.platform.store.EventPositions;
import io.opsplane.query.history.History;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code executions} read model: each execution's view, folded by {@link ExecutionViewReducer}
 * exactly as the command side folds it, and its timeline of events.
 */
@Component
@ProcessingGroup(ExecutionProjection.PROCESSING_GROUP)
public class ExecutionProjection {

    public static final String PROCESSING_GROUP = "executions";
    /** The command side's aggregate type (its class's simple name), as stored with each event. */
    static final String EXECUTION_AGGREGATE_TYPE = "ToolExecution";

    /** Payload fields left out of timeline entries: the view already holds them once. */
    private static final List<String> FIELDS_IN_VIEW = List.of("executionId", "input", "output", "plan");

    private final ExecutionStore store;
    private final JsonMapper json;

    ExecutionProjection(ExecutionStore store, JsonMapper json) {
        this.store = store;
        this.json = json;
    }

    /**
     * Every event of a {@code ToolExecution} stream, whatever its type: the shared reducer decides
     * what each one means, so an event type added later is folded without a handler here.
     */
    @EventHandler
    void on(Object event, DomainEventMessage<?> message, TrackingToken token) {
        if (!EXECUTION_AGGREGATE_TYPE.equals(message.getType())) {
            return;
        }
        fold(message.getAggregateIdentifier(), event, message.getTimestamp(), message.getSequenceNumber(), token);
    }

    @ResetHandler
    void reset() {
        store.deleteAll();
    }

    private void fold(String executionId, Object event, Instant timestamp, long sequence, TrackingToken token) {
        Optional<ExecutionDocument> existing = store.findById(executionId);
        if (existing.isPresent() && sequence <= existing.get().lastSequence()) {
            return;
        }
        long position = EventPositions.of(token);
        ExecutionView before = existing.map(d -> json.readValue(d.view(), ExecutionView.class)).orElse(null);
        ExecutionView after = ExecutionViewReducer.apply(before, event, timestamp, position);
        String timeline = History.append(json, existing.map(ExecutionDocument::timeline).orElse(null), event,
                timestamp, sequence, position, FIELDS_IN_VIEW);
        store.save(new ExecutionDocument(
                executionId,
                after.tool(),
                after.status() == null ? null : ExecutionStore.wireName(after.status()),
                after.mode() == null ? null : ExecutionStore.wireName(after.mode()),
                after.actor() == null ? null : after.actor().normalisedName(),
                after.createdAt(),
                existing.map(ExecutionDocument::createdPosition).orElse(position),
                sequence,
                json.writeValueAsString(after),
                timeline));
    }
}
