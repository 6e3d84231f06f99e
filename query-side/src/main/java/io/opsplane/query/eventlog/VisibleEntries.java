package io.opsplane.query.eventlog;

import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.query.security.VisibleTools;

import java.util.regex.Pattern;

/**
 * Which entries of the log a key limited to tool patterns reads: those of executions and approval requests of
 * tools it may use, and every entry that belongs to no tool (keys, webhooks, the catalogue). An execution or
 * approval entry whose tool is not known (projected before entries recorded their tool) is hidden from such a
 * key until the log is replayed.
 */
final class VisibleEntries {

    private static final Pattern TOOL_EVENT_TYPE = Pattern.compile("^(execution|approval)\\.");

    private VisibleEntries() {
    }

    /** Whether {@code key} may read {@code entry}. */
    static boolean visible(AuthenticatedKey key, EventLogDocument entry) {
        if (!VisibleTools.isLimited(key)) {
            return true;
        }
        return entry.tool() != null ? key.mayUseTool(entry.tool())
                : entry.type() == null || !TOOL_EVENT_TYPE.matcher(entry.type()).find();
    }
}
