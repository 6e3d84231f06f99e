package io.opsplane.eventstore.audit;

import io.opsplane.eventstore.StoredEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The lines of an audit export (NDJSON), written by the query side and read by {@link ExportVerifier}: one object per
 * stored event, and after each sealed range one {@code {"checkpoint": {...}}} line. Payload and metadata are the
 * stored text, unparsed, because the hashes cover that exact text.
 */
public final class ExportFormat {

    private ExportFormat() {
    }

    /** One event line; {@code type} is the event's public name ({@code execution.requested}) when known. */
    public static String eventLine(StoredEvent event, String type) {
        StringBuilder line = new StringBuilder(256 + length(event.payload()) + length(event.metadata()));
        line.append('{');
        member(line, "position", event.position()).append(',');
        member(line, "type", type).append(',');
        member(line, "aggregateType", event.type()).append(',');
        member(line, "aggregateId", event.aggregateIdentifier()).append(',');
        member(line, "sequence", event.sequenceNumber()).append(',');
        member(line, "eventId", event.eventIdentifier()).append(',');
        member(line, "timestamp", event.timestamp() == null ? null : event.timestamp().toString()).append(',');
        member(line, "payloadType", event.payloadType()).append(',');
        member(line, "payloadRevision", event.payloadRevision()).append(',');
        member(line, "payload", event.payload()).append(',');
        member(line, "metadata", event.metadata()).append(',');
        member(line, "previousHash", event.previousHash()).append(',');
        member(line, "hash", event.hash());
        return line.append('}').toString();
    }

    /** One checkpoint line. */
    public static String checkpointLine(Checkpoint checkpoint) {
        StringBuilder line = new StringBuilder("{\"checkpoint\":{");
        member(line, "index", checkpoint.index()).append(',');
        member(line, "from", checkpoint.from()).append(',');
        member(line, "to", checkpoint.to()).append(',');
        line.append("\"skipped\":[");
        for (int i = 0; i < checkpoint.skipped().size(); i++) {
            line.append(i == 0 ? "" : ",").append(checkpoint.skipped().get(i));
        }
        line.append("],\"hashes\":[");
        for (int i = 0; i < checkpoint.hashes().size(); i++) {
            quote(line.append(i == 0 ? "" : ","), checkpoint.hashes().get(i));
        }
        line.append("],");
        member(line, "previousHash", checkpoint.previousHash()).append(',');
        member(line, "hash", checkpoint.hash());
        return line.append("}}").toString();
    }

    /** Reads an event line back. */
    static StoredEvent event(Map<String, Object> line) {
        String timestamp = (String) line.get("timestamp");
        return new StoredEvent(number(line.get("position")), (String) line.get("eventId"),
                               (String) line.get("aggregateId"),
                               line.get("sequence") == null ? null : number(line.get("sequence")),
                               (String) line.get("aggregateType"), timestamp == null ? null : Instant.parse(timestamp),
                               (String) line.get("payloadType"), (String) line.get("payloadRevision"),
                               (String) line.get("payload"), (String) line.get("metadata"),
                               (String) line.get("previousHash"), (String) line.get("hash"));
    }

    /** Reads a checkpoint line's inner object back. */
    static Checkpoint checkpoint(Map<String, Object> checkpoint) {
        List<Long> skipped = new ArrayList<>();
        for (Object position : (List<?>) checkpoint.getOrDefault("skipped", List.of())) {
            skipped.add(number(position));
        }
        List<String> hashes = new ArrayList<>();
        for (Object hash : (List<?>) checkpoint.getOrDefault("hashes", List.of())) {
            hashes.add((String) hash);
        }
        return new Checkpoint(number(checkpoint.get("index")), number(checkpoint.get("from")),
                              number(checkpoint.get("to")), skipped, hashes, (String) checkpoint.get("previousHash"),
                              (String) checkpoint.get("hash"));
    }

    private static long number(Object value) {
        if (!(value instanceof Long number)) {
            throw new IllegalArgumentException("expected an integer, found " + value);
        }
        return number;
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    private static StringBuilder member(StringBuilder line, String name, Object value) {
        line.append('"').append(name).append("\":");
        if (value == null) {
            return line.append("null");
        }
        if (value instanceof Number) {
            return line.append(value);
        }
        return quote(line, value.toString());
    }

    private static StringBuilder quote(StringBuilder line, String text) {
        line.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        return line.append('"');
    }
}
