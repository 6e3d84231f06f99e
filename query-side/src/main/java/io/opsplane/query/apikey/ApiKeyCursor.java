package io.opsplane.query.apikey;

import io.opsplane.platform.problem.ApiException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a page of keys ended: the sort key of its last item. Clients see it only as an
 * opaque base64url string. Because the list is ordered by the position of each key's issued
 * event, keys issued while a client pages sort before every cursor it holds, so paging
 * never repeats nor skips one.
 */
record ApiKeyCursor(long createdPosition, String keyId) {

    private static final char SEPARATOR = ':';

    String encode() {
        String key = createdPosition + String.valueOf(SEPARATOR) + keyId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    static ApiKeyCursor decode(String cursor) {
        try {
            String key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int separator = key.indexOf(SEPARATOR);
            if (separator <= 0 || separator == key.length() - 1) {
                throw invalid();
            }
            return new ApiKeyCursor(Long.parseLong(key.substring(0, separator)), key.substring(separator + 1));
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    private static ApiException invalid() {
        return ApiException.invalidParameter("cursor", "'cursor' is not a cursor this endpoint returned");
    }
}
