package io.opsplane.api.apikey;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether an API key acts for a person or for an automated agent. */
public enum ActorKind {
    @JsonProperty("human") HUMAN,
    @JsonProperty("agent") AGENT;

    /** The wire name, as in the HTTP contract. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
