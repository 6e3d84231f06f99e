package io.opsplane.command.webhook;

import io.opsplane.api.audit.EventNames;
import io.opsplane.api.webhook.WebhookUrls;
import io.opsplane.eventstore.StoredEvent;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stored event as the audit log shows it ({@code position, type, aggregateId, sequence, timestamp, actor, payload,
 * hash}), built from the store so that a webhook body equals the {@code /v1/events} item of the same event.
 */
@Component
class EventItems {

    /** Payload properties that name who acted, in the order the audit log looks for them. */
    private static final List<String> ACTOR_PROPERTIES =
            List.of("actor", "issuedBy", "revokedBy", "requestedBy", "approvedBy", "rejectedBy", "cancelledBy", "by",
                    "registeredBy", "deletedBy");

    private final JsonMapper json;
    private final Map<String, String> names = new ConcurrentHashMap<>();

    EventItems(JsonMapper json) {
        this.json = json;
    }

    String typeOf(StoredEvent event) {
        return names.computeIfAbsent(event.payloadType(), type -> {
            try {
                return EventNames.of(Class.forName(type, false, getClass().getClassLoader())).orElse(type);
            } catch (ClassNotFoundException | LinkageError e) {
                return type;
            }
        });
    }

    String body(StoredEvent event) {
        JsonNode payload;
        try {
            payload = json.readTree(event.payload());
        } catch (RuntimeException e) {
            payload = json.createObjectNode();
        }
        JsonNode actor = null;
        for (String property : ACTOR_PROPERTIES) {
            JsonNode candidate = payload.get(property);
            if (candidate != null && candidate.isObject()) {
                actor = candidate;
                break;
            }
        }
        String type = typeOf(event);
        // As the event log shows it to logs:read keys: a webhook's URL reduced to scheme, host and port.
        if (type.startsWith("webhook.") && payload instanceof ObjectNode object && object.path("url").isString()) {
            object.put("url", WebhookUrls.reduced(object.path("url").asString()));
        }
        ObjectNode item = json.createObjectNode();
        item.put("position", event.position());
        item.put("type", type);
        item.put("aggregateId", event.aggregateIdentifier());
        if (event.sequenceNumber() == null) {
            item.putNull("sequence");
        } else {
            item.put("sequence", event.sequenceNumber());
        }
        item.put("timestamp", event.timestamp().truncatedTo(ChronoUnit.MILLIS).toString());
        item.set("actor", actor == null ? json.nullNode() : actor);
        item.set("payload", payload);
        item.put("hash", event.hash());
        return json.writeValueAsString(item);
    }
}
