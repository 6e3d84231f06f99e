package io.opsplane.query.history;

import io.opsplane.api.audit.EventNames;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The history a projection keeps of one aggregate (an execution's timeline, an approval request's history): one
 * entry per event with its position, public type, sequence, time and payload, stored as a JSON array.
 */
public final class History {

    private History() {
    }

    /**
     * The stored history with one more entry for {@code event}.
     *
     * @param stored       the history stored so far, {@code null} for none
     * @param fieldsInView payload fields left out of the entry because the aggregate's view holds them once already
     */
    public static String append(JsonMapper json, String stored, Object event, Instant timestamp, long sequence,
                                long position, List<String> fieldsInView) {
        ArrayNode entries = stored == null ? json.createArrayNode() : (ArrayNode) json.readTree(stored);
        ObjectNode payload = json.valueToTree(event);
        payload.remove(fieldsInView);
        ObjectNode entry = json.createObjectNode();
        entry.put("position", position);
        entry.put("type", EventNames.of(event.getClass()).orElse(event.getClass().getSimpleName()));
        entry.put("sequence", sequence);
        entry.put("timestamp", timestamp.truncatedTo(ChronoUnit.MILLIS).toString());
        entry.set("payload", payload);
        entries.add(entry);
        return json.writeValueAsString(entries);
    }
}
