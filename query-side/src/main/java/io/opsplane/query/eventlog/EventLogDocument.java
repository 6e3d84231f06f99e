package io.opsplane.query.eventlog;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;

/**
 * One event in the {@code eventlog} read model, keyed by its global position so that a redelivered
 * event overwrites itself. Actor and payload are JSON text: payload keys may hold {@code .} or
 * {@code $}, which MongoDB field names reject.
 *
 * @param sequence the event's sequence in its aggregate; null for an event outside any aggregate
 * @param hash     the event's hash in the event store's audit chain ({@code sha256:…})
 * @param tool     the tool of the execution or approval request the event belongs to; null for other events
 *                 (and for entries projected before entries recorded it)
 */
@Document(EventLogDocument.COLLECTION)
record EventLogDocument(
        @Id long position,
        String type,
        String aggregateId,
        Long sequence,
        Instant timestamp,
        String actor,
        String payload,
        String hash,
        String tool) {

    static final String COLLECTION = "eventlog";

    EventLogDocument withHash(String chainHash) {
        return new EventLogDocument(position, type, aggregateId, sequence, timestamp, actor, payload, chainHash, tool);
    }
}
