package io.opsplane.api.execution;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The state of one step of an orchestrating tool. */
public enum StepStatus {
    @JsonProperty("pending") PENDING,
    @JsonProperty("running") RUNNING,
    @JsonProperty("succeeded") SUCCEEDED,
    @JsonProperty("failed") FAILED,
    @JsonProperty("skipped") SKIPPED
}
