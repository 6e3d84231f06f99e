package io.opsplane.eventstore;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.bson.Document;

import java.time.Instant;

/**
 * The stored document format of events, placeholders and snapshots, and the only code that knows its field names:
 * messages to documents on the way in, documents to Axon's entries and {@link StoredEvent}s on the way out.
 */
final class EventDocuments {

    static final String POSITION = "_id";
    static final String AGGREGATE_SEQUENCE_KEY = "aggregateSequenceKey";
    static final String EVENT_IDENTIFIER = "eventIdentifier";
    static final String AGGREGATE_IDENTIFIER = "aggregateIdentifier";
    static final String SEQUENCE_NUMBER = "sequenceNumber";
    static final String TYPE = "type";
    static final String TIMESTAMP = "timestamp";
    static final String PAYLOAD_TYPE = "payloadType";
    static final String PAYLOAD_REVISION = "payloadRevision";
    static final String PAYLOAD = "payload";
    static final String METADATA = "metaData";
    static final String RESERVED_AT = "reservedAt";
    static final String PLACEHOLDER = "placeholder";
    static final String PREVIOUS_HASH = "previousHash";
    static final String HASH = "hash";

    private EventDocuments() {
    }

    /** The message's content, without a position: what a commit prepares before it reserves positions. */
    static Document body(EventMessage<?> message, Serializer serializer) {
        SerializedObject<String> payload = message.serializePayload(serializer, String.class);
        SerializedObject<String> metadata = message.serializeMetaData(serializer, String.class);
        Document document = new Document(EVENT_IDENTIFIER, message.getIdentifier())
                .append(TIMESTAMP, message.getTimestamp().toString())
                .append(PAYLOAD_TYPE, payload.getType().getName())
                .append(PAYLOAD_REVISION, payload.getType().getRevision())
                .append(PAYLOAD, payload.getData())
                .append(METADATA, metadata.getData());
        if (message instanceof DomainEventMessage<?> domain && domain.getAggregateIdentifier() != null) {
            document.append(TYPE, domain.getType())
                    .append(AGGREGATE_IDENTIFIER, domain.getAggregateIdentifier())
                    .append(SEQUENCE_NUMBER, domain.getSequenceNumber());
        }
        return document;
    }

    /** A snapshot document: the snapshot's content keyed by its aggregate. */
    static Document snapshot(DomainEventMessage<?> snapshot, Serializer serializer) {
        return body(snapshot, serializer).append(POSITION, snapshot.getAggregateIdentifier());
    }

    /** The event document stored at {@code position}: the body, its unique key and the writer's reservation time. */
    static Document positioned(Document body, long position, long reservedAtMillis) {
        Document document = new Document(POSITION, position);
        document.putAll(body);
        String aggregate = body.getString(AGGREGATE_IDENTIFIER);
        document.append(AGGREGATE_SEQUENCE_KEY, aggregate == null
                ? syntheticKey(position)
                : sequenceKey(aggregate, sequenceNumber(body)));
        return document.append(RESERVED_AT, reservedAtMillis);
    }

    /** What a failed commit leaves at each of its positions, so readers skip it instead of waiting. */
    static Document placeholder(long position, long reservedAtMillis) {
        return new Document(POSITION, position)
                .append(AGGREGATE_SEQUENCE_KEY, syntheticKey(position))
                .append(EVENT_IDENTIFIER, syntheticKey(position))
                .append(PLACEHOLDER, true)
                .append(RESERVED_AT, reservedAtMillis);
    }

    /** {@code aggregateId:sequence}; always contains a colon followed by digits. */
    static String sequenceKey(String aggregateIdentifier, long sequenceNumber) {
        return aggregateIdentifier + ":" + sequenceNumber;
    }

    /** Key for documents without an aggregate: no colon, so it can never equal a {@link #sequenceKey}. */
    private static String syntheticKey(long position) {
        return "@" + position;
    }

    static boolean isPlaceholder(Document document) {
        return Boolean.TRUE.equals(document.getBoolean(PLACEHOLDER));
    }

    static long position(Document document) {
        return ((Number) document.get(POSITION)).longValue();
    }

    /** The aggregate of a domain event document, {@code null} for any other. */
    static String aggregateIdentifier(Document document) {
        return document.getString(AGGREGATE_IDENTIFIER);
    }

    static long sequenceNumber(Document document) {
        return ((Number) document.get(SEQUENCE_NUMBER)).longValue();
    }

    static Instant timestamp(Document document) {
        return Instant.parse(document.getString(TIMESTAMP));
    }

    /** The writer's reservation time, {@code null} when the document has none. */
    static Long reservedAt(Document document) {
        Object value = document.get(RESERVED_AT);
        return value == null ? null : ((Number) value).longValue();
    }

    static GenericDomainEventEntry<String> toDomainEntry(Document document) {
        return new GenericDomainEventEntry<>(document.getString(TYPE),
                                             document.getString(AGGREGATE_IDENTIFIER),
                                             sequenceNumber(document),
                                             document.getString(EVENT_IDENTIFIER),
                                             document.getString(TIMESTAMP),
                                             document.getString(PAYLOAD_TYPE),
                                             document.getString(PAYLOAD_REVISION),
                                             document.getString(PAYLOAD),
                                             document.getString(METADATA));
    }

    static TrackedEventData<?> toTrackedData(Document document) {
        TrackingToken token = PositionTokens.at(position(document));
        if (aggregateIdentifier(document) != null) {
            return new ChainedDomainEventData(token, toDomainEntry(document), document.getString(HASH));
        }
        return new StoredTrackedEventData(token, toStoredEvent(document));
    }

    static StoredEvent toStoredEvent(Document document) {
        Object sequence = document.get(SEQUENCE_NUMBER);
        return new StoredEvent(position(document),
                               document.getString(EVENT_IDENTIFIER),
                               document.getString(AGGREGATE_IDENTIFIER),
                               sequence == null ? null : ((Number) sequence).longValue(),
                               document.getString(TYPE),
                               timestamp(document),
                               document.getString(PAYLOAD_TYPE),
                               document.getString(PAYLOAD_REVISION),
                               document.getString(PAYLOAD),
                               document.getString(METADATA),
                               document.getString(PREVIOUS_HASH),
                               document.getString(HASH));
    }
}
