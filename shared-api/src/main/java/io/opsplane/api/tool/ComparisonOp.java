package io.opsplane.api.tool;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How an {@link ApprovalRule} compares an input value. */
public enum ComparisonOp {
    @JsonProperty("gt") GT,
    @JsonProperty("gte") GTE,
    @JsonProperty("lt") LT,
    @JsonProperty("lte") LTE,
    @JsonProperty("eq") EQ
}
