package io.opsplane.query.web;

import io.opsplane.platform.problem.ApiException;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Parses query parameters the same way on every read endpoint: absent or empty means not given,
 * anything unparsable is {@code 400 invalid_parameter} naming the parameter.
 */
public final class QueryParameters {

    private QueryParameters() {
    }

    public static boolean isGiven(String value) {
        return value != null && !value.isEmpty();
    }

    public static Optional<String> text(String value) {
        return isGiven(value) ? Optional.of(value) : Optional.empty();
    }

    /** A page size from 1 to {@code max}; {@code defaultLimit} when not given. */
    public static int limit(String value, int defaultLimit, int max) {
        if (!isGiven(value)) {
            return defaultLimit;
        }
        int limit;
        try {
            limit = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiException.invalidParameter("limit", "'limit' must be an integer from 1 to " + max);
        }
        if (limit < 1 || limit > max) {
            throw ApiException.invalidParameter("limit", "'limit' must be from 1 to " + max + " (got " + limit + ")");
        }
        return limit;
    }

    /** An ISO-8601 instant such as {@code 2026-11-24T10:15:30.123Z}. */
    public static Optional<Instant> instant(String name, String value) {
        if (!isGiven(value)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value));
        } catch (DateTimeParseException e) {
            throw ApiException.invalidParameter(name,
                    "'" + name + "' must be an ISO-8601 UTC timestamp such as 2026-11-24T10:15:30.123Z");
        }
    }

    /** A global event position: a non-negative integer. */
    public static OptionalLong position(String name, String value) {
        if (!isGiven(value)) {
            return OptionalLong.empty();
        }
        long position;
        try {
            position = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.invalidParameter(name, "'" + name + "' must be a non-negative integer position");
        }
        if (position < 0) {
            throw ApiException.invalidParameter(name, "'" + name + "' must be a non-negative integer position");
        }
        return OptionalLong.of(position);
    }
}
