package io.opsplane.query.approval;

import io.opsplane.api.approval.ApprovalRequestView;
import io.opsplane.api.approval.ApprovalRequestViewReducer;
import io.opsplane.platform.store.EventPositions;
import io.opsplane.query.history.History;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code approval_requests} read model: each request's view, folded by the shared
 * {@link ApprovalRequestViewReducer} as the command side folds it, and its full history (every
 * transition with its actor, time and reason).
 */
@Component
@ProcessingGroup(ApprovalProjection.PROCESSING_GROUP)
@ReadModel({ApprovalDocument.COLLECTION, ApprovalStore.LISTS})
public class ApprovalProjection {

    public static final String PROCESSING_GROUP = "approvals";
    /** The command side's aggregate type (its class's simple name), as stored with each event. */
    static final String APPROVAL_AGGREGATE_TYPE = "ApprovalRequest";
    /** Payload fields left out of history entries: the view already holds them once. */
    private static final List<String> FIELDS_IN_VIEW = List.of("requestId", "input", "plan", "requestHash");
    private static final String BATCH = ApprovalProjection.class.getName() + ".batch";

    private final ApprovalStore store;
    private final JsonMapper json;

    ApprovalProjection(ApprovalStore store, JsonMapper json) {
        this.store = store;
        this.json = json;
    }

    /** Every event, so that the batch's last one writes what the batch changed (see {@link PerBatch}). */
    @EventHandler
    void on(Object event, EventMessage<?> message, TrackingToken token) {
        Batch batch = PerBatch.state(BATCH, () -> new Batch(store.changes(), new LinkedHashMap<>()));
        if (message instanceof DomainEventMessage<?> domain && APPROVAL_AGGREGATE_TYPE.equals(domain.getType())) {
            fold(batch, domain.getAggregateIdentifier(), event, domain.getTimestamp(), domain.getSequenceNumber(),
                    EventPositions.of(token));
        }
        if (PerBatch.atEnd()) {
            store.write(batch.lists(), batch.documents().values());
            batch.documents().clear();
        }
    }

    @ResetHandler
    void reset() {
        store.deleteAll();
    }

    private void fold(Batch batch, String requestId, Object event, Instant timestamp, long sequence, long position) {
        Optional<ApprovalDocument> existing = Optional.ofNullable(batch.documents().get(requestId))
                .or(() -> store.findById(requestId));
        if (existing.isPresent() && sequence <= existing.get().lastSequence()) {
            return;
        }
        ApprovalRequestView before = existing.map(d -> json.readValue(d.view(), ApprovalRequestView.class)).orElse(null);
        ApprovalRequestView after = ApprovalRequestViewReducer.apply(before, event, timestamp, position);
        if (after == null) {
            return;
        }
        String history = History.append(json, existing.map(ApprovalDocument::history).orElse(null), event, timestamp,
                sequence, position, FIELDS_IN_VIEW);
        ApprovalDocument document = new ApprovalDocument(requestId, after.tool(), after.status().wireName(),
                after.requestedBy() == null ? null : after.requestedBy().name(), after.createdAt(),
                existing.map(ApprovalDocument::createdPosition).orElse(position),
                after.expiresAt().toEpochMilli(), sequence, json.writeValueAsString(after), history);
        store.relist(batch.lists(), existing.orElse(null), document);
        batch.documents().put(requestId, document);
    }

    /** What one batch has read and changed so far. */
    private record Batch(ApprovalStore.ListChanges lists, Map<String, ApprovalDocument> documents) {
    }
}
