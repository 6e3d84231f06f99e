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
import java.util.Optional;
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
    static final String EXECUTION_AGGREGATE_TYPE = "ToolExecution";

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
        Batch batch = PerBatch.state(BATCH, () -> new Batch(store.changes()));
        if (message instanceof DomainEventMessage<?> domain && EXECUTION_AGGREGATE_TYPE.equals(domain.getType())) {
            fold(batch, domain.getAggregateIdentifier(), event, domain.getTimestamp(), domain.getSequenceNumber(),
                    token);
        }
        if (PerBatch.atEnd()) {
            store.write(batch.lists, batch.documents.values());
            batch.documents.clear();
        }
    }

    @ResetHandler
    void reset() {
        store.deleteAll();
    }

    private void fold(Batch batch, String executionId, Object event, Instant timestamp, long sequence,
                      TrackingToken token) {
        Optional<ExecutionDocument> existing = Optional.ofNullable(batch.documents.get(executionId))
                .or(() -> store.findById(executionId));
        if (existing.isPresent() && sequence <= existing.get().lastSequence()) {
            return;
        }
        long position = EventPositions.of(token);
        ExecutionView before = existing.map(d -> json.readValue(d.view(), ExecutionView.class)).orElse(null);
        ExecutionView after = ExecutionViewReducer.apply(before, event, timestamp, position);
        String timeline = History.append(json, existing.map(ExecutionDocument::timeline).orElse(null), event,
                timestamp, sequence, position, FIELDS_IN_VIEW);
        ExecutionDocument document = new ExecutionDocument(
                executionId,
                after.tool(),
                after.status() == null ? null : ExecutionStore.wireName(after.status()),
                after.mode() == null ? null : ExecutionStore.wireName(after.mode()),
                after.actor() == null ? null : after.actor().normalisedName(),
                after.createdAt(),
                existing.map(ExecutionDocument::createdPosition).orElse(position),
                sequence,
                json.writeValueAsString(after),
                timeline);
        relist(batch.lists, existing.orElse(null), document);
        batch.documents.put(executionId, document);
    }

    /** Moves the execution between lists when a value it is listed by changed (its status, mostly). */
    private static void relist(KeyedIndex.Changes lists, ExecutionDocument before, ExecutionDocument after) {
        Set<String> old = before == null ? Set.of() : new HashSet<>(listsOf(before));
        Set<String> now = new HashSet<>(listsOf(after));
        long at = after.createdAt() == null ? 0 : after.createdAt().toEpochMilli();
        old.stream().filter(list -> !now.contains(list))
                .forEach(list -> lists.remove(list, before.createdPosition(), before.executionId()));
        now.stream().filter(list -> !old.contains(list))
                .forEach(list -> lists.add(list, after.createdPosition(), after.executionId(), at));
    }

    private static List<String> listsOf(ExecutionDocument document) {
        return ExecutionLists.of(document.tool(), document.status(), document.mode(), document.actor());
    }

    /** What one batch has read and changed so far. */
    private record Batch(KeyedIndex.Changes lists, Map<String, ExecutionDocument> documents) {

        Batch(KeyedIndex.Changes lists) {
            this(lists, new LinkedHashMap<>());
        }
    }
}
