package io.opsplane.query.approval;

import io.opsplane.platform.problem.ApiException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a page of approval requests ended: the sort key of its last item (the creation position
 * newest first, or for the pending inbox the expiry soonest first) and its id, opaque to clients.
 *
 * @param inbox whether the key is an expiry (the inbox order) rather than a creation position
 */
record ApprovalCursor(boolean inbox, long key, String id) {

    String encode() {
        String text = (inbox ? "e" : "c") + ":" + key + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static ApprovalCursor decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":", 3);
            if (parts.length != 3 || !(parts[0].equals("e") || parts[0].equals("c")) || parts[2].isEmpty()) {
                throw invalid();
            }
            return new ApprovalCursor(parts[0].equals("e"), Long.parseLong(parts[1]), parts[2]);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    private static ApiException invalid() {
        return ApiException.invalidParameter("cursor", "'cursor' is not a cursor this endpoint returned");
    }
}
