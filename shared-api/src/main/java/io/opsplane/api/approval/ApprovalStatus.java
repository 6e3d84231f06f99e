package io.opsplane.api.approval;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where an approval request stands. Only {@code pending} and {@code approved} can still change. */
public enum ApprovalStatus {
    @JsonProperty("pending") PENDING,
    @JsonProperty("approved") APPROVED,
    @JsonProperty("rejected") REJECTED,
    @JsonProperty("cancelled") CANCELLED,
    @JsonProperty("expired") EXPIRED,
    @JsonProperty("executed") EXECUTED;

    /** True when no command can change the request any more. */
    public boolean isFinal() {
        return this != PENDING && this != APPROVED;
    }

    /** The name clients see. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
