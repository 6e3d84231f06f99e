package io.opsplane.query.security;

import io.opsplane.platform.auth.AuthenticatedKey;

import java.util.List;

/**
 * What a key limited to tool patterns may read: the records (approval requests, executions) of the
 * tools it may use ({@link AuthenticatedKey#mayUseTool}), and nothing of the others. Lists read by
 * {@code _id} filter the documents they read with it, a bounded number per page (ADR 0004).
 */
public final class VisibleTools {

    private VisibleTools() {
    }

    /** Whether the key is limited to some tools at all ({@code *} alone admits every tool). */
    public static boolean isLimited(AuthenticatedKey key) {
        List<String> patterns = key.toolPatterns();
        return patterns != null && !patterns.isEmpty() && !patterns.contains("*");
    }
}
