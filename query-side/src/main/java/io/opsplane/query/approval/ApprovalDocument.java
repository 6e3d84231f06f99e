package io.opsplane.query.approval;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.CompoundIndex;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;

/**
 * One approval request in the {@code approval_requests} read model. The view and the history are
 * JSON text because inputs are arbitrary JSON whose keys MongoDB field names may reject; the fields
 * beside them exist to filter and sort. Nothing is ever deleted: a request's history stays readable
 * after it ends.
 *
 * @param createdPosition the position of the request's first event; the newest-first order
 * @param expiresAtMillis {@code expiresAt} in epoch milliseconds; the inbox order
 * @param lastSequence    the aggregate sequence of the last event folded in; a redelivered event at
 *                        or below it is ignored
 * @param view            the {@code ApprovalRequestView} as JSON
 * @param history         the request's events as a JSON array, in order
 */
@Document("#{T(io.opsplane.query.replay.ReadModels).collection('" + ApprovalDocument.COLLECTION + "')}")
@CompoundIndex(name = "newest_first", def = "{'createdPosition': -1, '_id': -1}")
@CompoundIndex(name = "inbox", def = "{'status': 1, 'expiresAtMillis': 1, '_id': 1}")
@CompoundIndex(name = "by_tool", def = "{'tool': 1, 'createdPosition': -1, '_id': -1}")
record ApprovalDocument(
        @Id String id,
        String tool,
        String status,
        String requestedBy,
        Instant createdAt,
        long createdPosition,
        long expiresAtMillis,
        long lastSequence,
        String view,
        String history) {

    static final String COLLECTION = "approval_requests";
}
