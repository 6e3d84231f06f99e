package io.opsplane.query.execution;

import io.opsplane.api.execution.ExecutionView;
import io.opsplane.api.execution.ExecutionViewReducer;
import io.opsplane.platform.store.EventPositions;
import io.opsplane.query.history.History;
import io.opsplane.query.index.KeyedIndex;
import io.opsplane.query.index.PerBatch;
import io.opsplane.query.replay.ReadModel;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code executions} read model: each execution's view, folded by {@link ExecutionViewReducer}
 * exactly as the command side folds it, its timeline of events, and its entries in the newest-first lists. A batch
 * of the processor reads each execution once and writes once, in bulk, when its last event has been handled.
 */
@Component
@ProcessingGroup(ExecutionProjection.PROCESSING_GROUP)
@ReadModel({ExecutionDocument.COLLECTION, ExecutionStore.LISTS})
public class ExecutionProjection {

    public static final String PROCESSING_GROUP = "executions";
    /** The command side's aggregate type (its class's simple name), as stored with each event. */
    public static final String EXECUTION_AGGREGATE_TYPE = "ToolExecution";

    /** Payload fields left out of timeline entries: the view already holds them once. */
    private static final List<String> FIELDS_IN_VIEW = List.of("executionId", "input", "output", "plan");
    private static final String BATCH = ExecutionProjection.class.getName() + ".batch";

    private final ExecutionStore store;
    private final JsonMapper json;

    ExecutionProjection(ExecutionStore store, JsonMapper json) {
        this.store = store;
        this.json = json;
    }

    /**
     * Every event: those of a {@code ToolExecution} stream are folded, whatever their type (the shared reducer decides
     * what each one means, so an event type added later is folded without a handler here); every event is seen, so
     * that the batch's last one writes what the batch changed.
     */
    @EventHandler
    void on(Object event, EventMessage<?> message, TrackingToken token) {
        Batch batch = PerBatch.state(BATCH, () -> new Batch(store.changes(),
                store.findAll(PerBatch.aggregateIds(message, EXECUTION_AGGREGATE_TYPE))));
        if (message instanceof DomainEventMessage<?> domain && EXECUTION_AGGREGATE_TYPE.equals(domain.getType())) {
            fold(batch, domain.getAggregateIdentifier(), event, domain.getTimestamp(), domain.getSequenceNumber(),
                    token);
        }
        if (PerBatch.atEnd()) {
            store.write(batch.lists, batch.changed.values().stream().map(this::document).toList());
            batch.changed.clear();
        }
    }

    @ResetHandler
    void reset() {
        store.deleteAll();
    }

    private void fold(Batch batch, String executionId, Object event, Instant timestamp, long sequence,
                      TrackingToken token) {
        Folded folded = batch.changed.get(executionId);
        if (folded == null) {
            ExecutionDocument stored = batch.stored.containsKey(executionId) ? batch.stored.get(executionId)
                    : store.findById(executionId).orElse(null);
            folded = stored == null ? null : new Folded(executionId, json.readValue(stored.view(),
                    ExecutionView.class), stored.timeline(), stored.lastSequence(), stored.createdPosition());
        }
        if (folded != null && sequence <= folded.lastSequence()) {
            return;
        }
        long position = EventPositions.of(token);
        ExecutionView after = ExecutionViewReducer.apply(folded == null ? null : folded.view(), event, timestamp,
                position);
        String timeline = History.append(json, folded == null ? null : folded.timeline(), event, timestamp, sequence,
                position, FIELDS_IN_VIEW);
        Folded next = new Folded(executionId, after, timeline, sequence,
                folded == null ? position : folded.createdPosition());
        relist(batch.lists, folded == null ? null : listed(folded), listed(next));
        batch.changed.put(executionId, next);
    }

    /** The document of an execution as the batch leaves it: its view written as JSON once, however many events. */
    private ExecutionDocument document(Folded folded) {
        Listed listed = listed(folded);
        return new ExecutionDocument(listed.executionId(), listed.tool(), listed.status(), listed.mode(),
                listed.actor(), listed.createdAt(), folded.createdPosition(), folded.lastSequence(),
                json.writeValueAsString(folded.view()), folded.timeline());
    }

    private static Listed listed(Folded folded) {
        ExecutionView view = folded.view();
        return new Listed(folded.executionId(), view.tool(),
                view.status() == null ? null : ExecutionStore.wireName(view.status()),
                view.mode() == null ? null : ExecutionStore.wireName(view.mode()),
                view.actor() == null ? null : view.actor().normalisedName(),
                view.createdAt(), folded.createdPosition());
    }

    /** Moves the execution between lists when a value it is listed by changed (its status, mostly). */
    private static void relist(KeyedIndex.Changes lists, Listed before, Listed after) {
        Set<String> old = before == null ? Set.of() : new HashSet<>(before.lists());
        Set<String> now = new HashSet<>(after.lists());
        long at = after.createdAt() == null ? 0 : after.createdAt().toEpochMilli();
        old.stream().filter(list -> !now.contains(list))
                .forEach(list -> lists.remove(list, before.createdPosition(), before.executionId()));
        now.stream().filter(list -> !old.contains(list))
                .forEach(list -> lists.add(list, after.createdPosition(), after.executionId(), at));
    }

    /** An execution as the batch has folded it so far. */
    private record Folded(String executionId, ExecutionView view, String timeline, long lastSequence,
                          long createdPosition) {
    }

    /** The values an execution is listed by. */
    private record Listed(String executionId, String tool, String status, String mode, String actor,
                          Instant createdAt, long createdPosition) {

        List<String> lists() {
            return ExecutionLists.of(tool, status, mode, actor);
        }
    }

    /** What one batch has read and changed so far. */
    private record Batch(KeyedIndex.Changes lists, Map<String, ExecutionDocument> stored,
                         Map<String, Folded> changed) {

        Batch(KeyedIndex.Changes lists, Map<String, ExecutionDocument> stored) {
            this(lists, stored, new LinkedHashMap<>());
        }
    }
}
