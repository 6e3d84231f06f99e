package io.opsplane.query.eventlog;

import io.opsplane.api.audit.EventNames;
import io.opsplane.platform.store.EventPositions;
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
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;

/** The {@code eventlog} read model: every stored event as clients see it in the audit log. */
@Component
@ProcessingGroup(EventLogProjection.PROCESSING_GROUP)
public class EventLogProjection {

    public static final String PROCESSING_GROUP = "eventlog";

    /** Payload properties that name who acted, in the order they are looked for. */
    private static final List<String> ACTOR_PROPERTIES =
            List.of("actor", "issuedBy", "revokedBy", "requestedBy", "approvedBy", "rejectedBy", "cancelledBy", "by");

    private final EventLogStore store;
    private final JsonMapper json;

    EventLogProjection(EventLogStore store, JsonMapper json) {
        this.store = store;
        this.json = json;
    }

    @EventHandler
    void on(Object payload, EventMessage<?> message, TrackingToken token) {
        long position = EventPositions.of(token);
        String aggregateId = message instanceof DomainEventMessage<?> domain ? domain.getAggregateIdentifier() : null;
        Long sequence = message instanceof DomainEventMessage<?> domain ? domain.getSequenceNumber() : null;
        JsonNode payloadJson = payloadJson(payload);
        JsonNode actor = actor(payloadJson);
        Instant timestamp = message.getTimestamp().truncatedTo(ChronoUnit.MILLIS);
        EventLogItem item = new EventLogItem(position, typeOf(payload), aggregateId, sequence, timestamp, actor,
                payloadJson, null);
        store.save(new EventLogDocument(position, item.type(), aggregateId, sequence, timestamp,
                actor == null ? null : json.writeValueAsString(actor), json.writeValueAsString(payloadJson),
                hash(item)));
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

    private String hash(EventLogItem item) {
        ObjectNode unhashed = json.valueToTree(item);
        unhashed.remove("hash");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(json.writeValueAsString(CanonicalJson.sorted(unhashed, json)).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
