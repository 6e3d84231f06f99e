package io.opsplane.eventstore;

import java.time.Instant;

/**
 * One event as stored, before upcasting or deserialisation: what the audit log hashes and exports.
 *
 * @param position            the event's global position
 * @param eventIdentifier     the event message's identifier
 * @param aggregateIdentifier the aggregate that applied it, {@code null} for an event not applied by an aggregate
 * @param sequenceNumber      its sequence number within the aggregate, {@code null} when it has no aggregate
 * @param type                the aggregate type, {@code null} when it has no aggregate
 * @param timestamp           the event's timestamp as its writer's clock gave it
 * @param payloadType         the serialized payload type name
 * @param payloadRevision     the serialized payload revision, may be {@code null}
 * @param payload             the payload exactly as serialized
 * @param metadata            the metadata exactly as serialized
 * @param previousHash        the hash of the previous event of its aggregate (the audit chain), null if not stored
 * @param hash                the event's own hash over its content and {@code previousHash}, null if not stored
 */
public record StoredEvent(long position,
                          String eventIdentifier,
                          String aggregateIdentifier,
                          Long sequenceNumber,
                          String type,
                          Instant timestamp,
                          String payloadType,
                          String payloadRevision,
                          String payload,
                          String metadata,
                          String previousHash,
                          String hash) {
}
