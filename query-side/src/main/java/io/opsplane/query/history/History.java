package io.opsplane.query.history;

import io.opsplane.api.audit.EventNames;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The history a projection keeps of one aggregate (an execution's timeline, an approval request's history): one
 * entry per event with its position, public type, sequence, time and payload, stored as a JSON array.
 */
public final class History {

    private static final String EMPTY = "[]";

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
        ObjectNode payload = json.valueToTree(event);
        payload.remove(fieldsInView);
        ObjectNode entry = json.createObjectNode();
        entry.put("position", position);
        entry.put("type", EventNames.of(event.getClass()).orElse(event.getClass().getSimpleName()));
        entry.put("sequence", sequence);
        entry.put("timestamp", timestamp.truncatedTo(ChronoUnit.MILLIS).toString());
        entry.set("payload", payload);
        String added = json.writeValueAsString(entry);
        // The stored array is this method's own compact output: the entry goes before its closing bracket, so the
        // history is never parsed again to grow by one.
        String kept = stored == null ? EMPTY : stored.strip();
        if (EMPTY.equals(kept)) {
            return "[" + added + "]";
        }
        if (kept.charAt(0) != '[' || kept.charAt(kept.length() - 1) != ']') {
            throw new IllegalArgumentException("A stored history is a JSON array");
        }
        return kept.substring(0, kept.length() - 1) + "," + added + "]";
    }
}
