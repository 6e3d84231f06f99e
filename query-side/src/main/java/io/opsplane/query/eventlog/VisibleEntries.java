package io.opsplane.query.eventlog;

import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.query.security.VisibleTools;
import org.springframework.data.mongodb.core.query.Criteria;

import java.util.Optional;
import java.util.regex.Pattern;

import static org.springframework.data.mongodb.core.query.Criteria.where;

/**
 * Which entries of the log a key limited to tool patterns reads: those of executions and approval requests of
 * tools it may use, and every entry that belongs to no tool (keys, webhooks, the catalogue). An execution or
 * approval entry whose tool is not known (projected before entries recorded their tool) is hidden from such a
 * key until the log is replayed.
 */
final class VisibleEntries {

    private static final String TOOL_EVENT_TYPES = "^(execution|approval)\\.";
    private static final Pattern TOOL_EVENT_TYPE = Pattern.compile(TOOL_EVENT_TYPES);

    private VisibleEntries() {
    }

    /** The store criterion; empty for a key that is not limited. */
    static Optional<Criteria> criterion(AuthenticatedKey key) {
        return VisibleTools.criterion(key, "tool").map(tools -> new Criteria().orOperator(tools,
                new Criteria().andOperator(where("tool").is(null), where("type").not().regex(TOOL_EVENT_TYPES))));
    }

    /** The same rule, for entries already read (the event stream). */
    static boolean visible(AuthenticatedKey key, EventLogDocument entry) {
        if (!VisibleTools.isLimited(key)) {
            return true;
        }
        return entry.tool() != null ? key.mayUseTool(entry.tool())
                : entry.type() == null || !TOOL_EVENT_TYPE.matcher(entry.type()).find();
    }
}
