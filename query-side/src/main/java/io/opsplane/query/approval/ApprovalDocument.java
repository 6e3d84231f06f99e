package io.opsplane.query.approval;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;

/**
 * One approval request in the {@code approval_requests} read model. The view and the history are
 * JSON text because inputs are arbitrary JSON whose keys MongoDB field names may reject; the fields
 * beside them say which lists of {@code approval_lists} hold the request. Nothing is ever deleted: a
 * request's history stays readable after it ends.
 *
 * @param createdPosition the position of the request's first event; the newest-first order
 * @param expiresAtMillis {@code expiresAt} in epoch milliseconds; the inbox order
 * @param lastSequence    the aggregate sequence of the last event folded in; a redelivered event at
 *                        or below it is ignored
 * @param view            the {@code ApprovalRequestView} as JSON
 * @param history         the request's events as a JSON array, in order
 */
@Document(ApprovalDocument.COLLECTION)
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
