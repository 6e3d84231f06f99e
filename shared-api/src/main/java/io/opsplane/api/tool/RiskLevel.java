package io.opsplane.api.tool;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How much harm a tool can do if misused. */
public enum RiskLevel {
    @JsonProperty("low") LOW,
    @JsonProperty("medium") MEDIUM,
    @JsonProperty("high") HIGH,
    @JsonProperty("critical") CRITICAL
}
