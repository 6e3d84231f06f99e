package io.opsplane.query.eventlog;

import io.opsplane.api.webhook.WebhookUrls;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.query.consistency.ProjectionProgress;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The event log in position order for subscribers: only up to the position the {@code eventlog} projection has
 * handled, so that a position without an entry below it is a placeholder or an abandoned hole, never an entry still
 * to come. Reads are exact {@code _id $in} lookups, the same cost at any log size.
 */
@Component
public class EventLogFeed {

    static final long HEAD_REUSE_MILLIS = 10;

    private final EventLogStore store;
    private final ProjectionProgress progress;
    private final JsonMapper json;
    private volatile Head head;

    EventLogFeed(EventLogStore store, ProjectionProgress progress, JsonMapper json) {
        this.store = store;
        this.json = json;
        this.progress = progress;
    }

    /** The entries after {@code after}, and the position they cover up to (the next call's {@code after}). */
    public record Batch(List<EventLogItem> items, long reached) {
    }

    /** The last position the log has handled; -1 before any. */
    public long head() {
        long position = progress.processedPosition(EventLogProjection.PROCESSING_GROUP);
        head = new Head(position, System.nanoTime());
        return position;
    }

    /**
     * {@link #head()}, read from the token store at most every {@value #HEAD_REUSE_MILLIS} ms and shared, so that many
     * subscribers polling often cost one read: a head that old is only lower than the true one, which delays an
     * entry by that much and never skips one.
     */
    private long recentHead() {
        Head known = head;
        long now = System.nanoTime();
        if (known != null && now - known.readAtNanos() < HEAD_REUSE_MILLIS * 1_000_000L) {
            return known.position();
        }
        return head();
    }

    private record Head(long position, long readAtNanos) {
    }

    /**
     * The entries at positions after {@code after} that {@code reader} may see (its tool patterns, {@link
     * VisibleEntries}), covering at most {@code maxPositions} positions.
     */
    public Batch after(long after, int maxPositions, AuthenticatedKey reader) {
        long reached = Math.min(recentHead(), after + maxPositions);
        if (reached <= after) {
            return new Batch(List.of(), after);
        }
        List<EventLogItem> items = store.positions(after + 1, reached).stream()
                .filter(entry -> VisibleEntries.visible(reader, entry)).map(this::item).toList();
        return new Batch(items, reached);
    }

    EventLogItem item(EventLogDocument d) {
        return new EventLogItem(d.position(), d.type(), d.aggregateId(), d.sequence(), d.timestamp(),
                d.actor() == null ? null : json.readTree(d.actor()), shown(d.type(), json.readTree(d.payload())),
                d.hash());
    }

    /**
     * A webhook's URL reduced to scheme, host and port ({@link WebhookUrls}): the log is read by every
     * {@code logs:read} key, and receiver URLs often carry a secret. The full URL is in {@code GET /v1/webhooks}
     * (admin); the audit export keeps the stored event, which its hashes cover.
     */
    private static JsonNode shown(String type, JsonNode payload) {
        if (type != null && type.startsWith("webhook.") && payload instanceof ObjectNode object
                && object.path("url").isString()) {
            object.put("url", WebhookUrls.reduced(object.path("url").asString()));
        }
        return payload;
    }
}
