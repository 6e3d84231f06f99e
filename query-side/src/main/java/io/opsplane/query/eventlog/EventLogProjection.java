package io.opsplane.query.eventlog;

import io.opsplane.api.audit.EventNames;
import io.opsplane.eventstore.ChainedEvent;
import io.opsplane.eventstore.StoredEvent;
import io.opsplane.eventstore.StoredEventLog;
import io.opsplane.platform.store.EventPositions;
import io.opsplane.query.index.KeyedIndex;
import io.opsplane.query.index.PerBatch;
import io.opsplane.query.replay.ReadModel;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.UnknownSerializedType;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code eventlog} read model: every stored event as clients see it in the audit log. */
@Component
@ProcessingGroup(EventLogProjection.PROCESSING_GROUP)
@ReadModel({EventLogDocument.COLLECTION, EventLogStore.TOOLS, EventLogStore.LISTS})
public class EventLogProjection {

    public static final String PROCESSING_GROUP = "eventlog";

    /** Payload properties that name who acted, in the order they are looked for. */
    private static final List<String> ACTOR_PROPERTIES =
            List.of("actor", "issuedBy", "revokedBy", "requestedBy", "approvedBy", "rejectedBy", "cancelledBy", "by");

    private static final String BATCH = EventLogProjection.class.getName() + ".batch";

    private final EventLogStore store;
    private final JsonMapper json;
    private final StoredEventLog eventLog;

    EventLogProjection(EventLogStore store, JsonMapper json, StoredEventLog eventLog) {
        this.store = store;
        this.json = json;
        this.eventLog = eventLog;
    }

    /**
     * Every event. The batch's documents are written when its last event has been handled, with the hashes the event
     * store chained them with: carried by each tracked event ({@link ChainedEvent}), read back only for a message that
     * does not carry one.
     */
    @EventHandler
    void on(Object payload, EventMessage<?> message, TrackingToken token) {
        Batch batch = PerBatch.state(BATCH, () -> new Batch(store.toolsOf(PerBatch.aggregateIds(message, null))));
        long position = EventPositions.of(token);
        String aggregateId = message instanceof DomainEventMessage<?> domain ? domain.getAggregateIdentifier() : null;
        Long sequence = message instanceof DomainEventMessage<?> domain ? domain.getSequenceNumber() : null;
        JsonNode payloadJson = payloadJson(payload);
        JsonNode actor = actor(payloadJson);
        Instant timestamp = message.getTimestamp().truncatedTo(ChronoUnit.MILLIS);
        EventLogDocument document = new EventLogDocument(position, typeOf(payload), aggregateId, sequence, timestamp,
                actor == null ? null : json.writeValueAsString(actor), json.writeValueAsString(payloadJson), null,
                batch.toolOf(payloadJson, aggregateId));
        batch.pending.put(position, new Pending(message.getIdentifier(), ChainedEvent.hashOf(message), document));
        if (PerBatch.atEnd()) {
            write(batch);
        }
    }

    private void write(Batch batch) {
        List<EventLogDocument> documents = new ArrayList<>();
        KeyedIndex.Changes lists = store.changes();
        store.rememberTools(batch.named);
        batch.named.clear();
        batch.pending.forEach((position, pending) -> {
            String hash = pending.hash() != null ? pending.hash() : storedHash(position, pending.eventIdentifier());
            EventLogDocument document = pending.document().withHash(hash);
            documents.add(document);
            EventLogStore.list(lists, document);
        });
        store.write(documents, lists);
        batch.pending.clear();
    }

    /** What one batch has read and collected so far. */
    private static final class Batch {

        /** The tool of each aggregate of the batch that has one: read at the batch's start, or named in it. */
        private final Map<String, String> tools;
        /** Tools named by the batch's events, to be remembered for later batches. */
        private final Map<String, String> named = new LinkedHashMap<>();
        private final Map<Long, Pending> pending = new LinkedHashMap<>();

        Batch(Map<String, String> tools) {
            this.tools = new HashMap<>(tools);
        }

        /**
         * The tool the event belongs to: named by the first event of an execution or approval request ({@code tool},
         * a reference with its {@code name}), remembered for the later events of that aggregate, which do not name
         * it.
         */
        String toolOf(JsonNode payload, String aggregateId) {
            JsonNode tool = payload.path("tool");
            String found = tool.isString() ? tool.asString()
                    : tool.path("name").isString() ? tool.path("name").asString() : null;
            if (aggregateId == null) {
                return found;
            }
            if (found != null) {
                if (!found.equals(tools.put(aggregateId, found))) {
                    named.put(aggregateId, found); // new to the store: a later event that names it again writes nothing
                }
                return found;
            }
            return tools.get(aggregateId);
        }
    }

    /**
     * The hash the event store chained this event with, read from the store for a message that does not carry it, so
     * that the log shows what {@code /v1/audit/verify} checks.
     */
    private String storedHash(long position, String eventIdentifier) {
        StoredEvent stored = eventLog.storedAt(position).orElseThrow(() ->
                new IllegalStateException("No stored event at position " + position + " for event " + eventIdentifier));
        if (!stored.eventIdentifier().equals(eventIdentifier)) {
            throw new IllegalStateException("Position " + position + " holds event " + stored.eventIdentifier()
                    + ", not " + eventIdentifier);
        }
        return stored.hash();
    }

    /** An event of the batch not written yet, with the hash it carried (null when it carried none). */
    private record Pending(String eventIdentifier, String hash, EventLogDocument document) {
    }

    @ResetHandler
    void reset() {
        store.deleteAll();
    }

    private static String typeOf(Object payload) {
        if (payload instanceof UnknownSerializedType unknown) {
            return unknown.serializedType().getName();
        }
        return EventNames.of(payload.getClass()).orElse(payload.getClass().getSimpleName());
    }

    private JsonNode payloadJson(Object payload) {
        if (payload instanceof UnknownSerializedType unknown) {
            // An event type this application has no class for: keep its stored JSON as it is, and never
            // let one unreadable payload stop the whole log.
            try {
                return json.readTree(unknown.readData(String.class));
            } catch (RuntimeException e) {
                return json.createObjectNode();
            }
        }
        return json.valueToTree(payload);
    }

    private static JsonNode actor(JsonNode payload) {
        return ACTOR_PROPERTIES.stream().map(payload::get).filter(node -> node != null && node.isObject())
                .findFirst().orElse(null);
    }
}
