package io.opsplane.api.execution;

/** What a runner must do after {@link StartExecutionCommand}. */
public enum StartDecision {
    /** Run the tool now. */
    RUN,
    /** Do nothing: the execution already has an outcome, or was handed to reconciliation. */
    SKIP
}
