package io.opsplane.query.approval;

import io.opsplane.api.approval.ApprovalRequestView;
import io.opsplane.api.approval.ApprovalRequestViewReducer;
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
 * The {@code approval_requests} read model: each request's view, folded by the shared
 * {@link ApprovalRequestViewReducer} as the command side folds it, and its full history (every
 * transition with its actor, time and reason).
 */
@Component
@ProcessingGroup(ApprovalProjection.PROCESSING_GROUP)
public class ApprovalProjection {

    public static final String PROCESSING_GROUP = "approvals";
    /** The command side's aggregate type (its class's simple name), as stored with each event. */
    static final String APPROVAL_AGGREGATE_TYPE = "ApprovalRequest";
    /** Payload fields left out of history entries: the view already holds them once. */
    private static final List<String> FIELDS_IN_VIEW = List.of("requestId", "input", "plan", "requestHash");

    private final ApprovalStore store;
    private final JsonMapper json;

    ApprovalProjection(ApprovalStore store, JsonMapper json) {
        this.store = store;
        this.json = json;
    }

    @EventHandler
    void on(Object event, DomainEventMessage<?> message, TrackingToken token) {
        if (!APPROVAL_AGGREGATE_TYPE.equals(message.getType())) {
            return;
        }
        fold(message.getAggregateIdentifier(), event, message.getTimestamp(), message.getSequenceNumber(),
                EventPositions.of(token));
    }

    @ResetHandler
    void reset() {
        store.deleteAll();
    }

    void fold(String requestId, Object event, Instant timestamp, long sequence, long position) {
        Optional<ApprovalDocument> existing = store.findById(requestId);
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
        store.save(new ApprovalDocument(requestId, after.tool(), after.status().wireName(),
                after.requestedBy() == null ? null : after.requestedBy().name(), after.createdAt(),
                existing.map(ApprovalDocument::createdPosition).orElse(position),
                after.expiresAt().toEpochMilli(), sequence, json.writeValueAsString(after), history));
    }
}
