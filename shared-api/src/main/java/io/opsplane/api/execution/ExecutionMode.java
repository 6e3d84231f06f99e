package io.opsplane.api.execution;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a request runs a tool or only shows what running it would do. */
public enum ExecutionMode {
    @JsonProperty("execute") EXECUTE,
    @JsonProperty("plan") PLAN
}
