package io.opsplane.query.execution;

import io.opsplane.api.execution.ExecutionMode;
import io.opsplane.api.execution.ExecutionStatus;

import java.time.Instant;
import java.util.Optional;

/**
 * A validated request for one page of executions, newest first.
 *
 * @param since inclusive lower bound of {@code createdAt}
 * @param until exclusive upper bound of {@code createdAt}
 * @param after the cursor of the previous page
 */
record ExecutionFilter(
        Optional<String> tool,
        Optional<ExecutionStatus> status,
        Optional<ExecutionMode> mode,
        Optional<String> actor,
        Optional<Instant> since,
        Optional<Instant> until,
        int limit,
        Optional<ExecutionCursor> after) {
}
