package io.opsplane.api.execution;

import io.opsplane.api.audit.EventName;

/**
 * The outcome cannot be known: a non-idempotent tool was interrupted (for example by a crash)
 * after it started. Someone must reconcile the target system by hand.
 */
@EventName("execution.unknown")
public record ExecutionUnknownEvent(String executionId, String reason) {
}
