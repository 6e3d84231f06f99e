package io.opsplane.api.apikey;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

/** A permission an API key can hold. {@link #ADMIN} implies every other scope. */
public enum Scope {
    TOOLS_READ("tools:read"),
    TOOLS_PLAN("tools:plan"),
    TOOLS_EXECUTE("tools:execute"),
    APPROVALS_REQUEST("approvals:request"),
    APPROVALS_APPROVE("approvals:approve"),
    LOGS_READ("logs:read"),
    METRICS_READ("metrics:read"),
    ADMIN("admin");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the wire and in events, e.g. {@code tools:execute}. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** Parses a wire name; empty when it names no scope. */
    public static Optional<Scope> fromWireName(String value) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(value)).findFirst();
    }

    @JsonCreator
    static Scope fromJson(String value) {
        return fromWireName(value).orElseThrow(() -> new IllegalArgumentException("unknown scope " + value));
    }
}
