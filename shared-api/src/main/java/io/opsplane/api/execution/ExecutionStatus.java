package io.opsplane.api.execution;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The lifecycle state of an execution, as clients see it. */
public enum ExecutionStatus {
    @JsonProperty("planned") PLANNED,
    @JsonProperty("pending_approval") PENDING_APPROVAL,
    @JsonProperty("running") RUNNING,
    @JsonProperty("succeeded") SUCCEEDED,
    @JsonProperty("failed") FAILED,
    @JsonProperty("unknown") UNKNOWN;

    /** True when nothing will change the execution any more without an explicit retry. */
    public boolean isTerminal() {
        return this == PLANNED || this == SUCCEEDED || this == FAILED || this == UNKNOWN;
    }
}
