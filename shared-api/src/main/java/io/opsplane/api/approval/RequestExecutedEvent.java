package io.opsplane.api.approval;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.audit.EventName;

/** The approved request was used; {@code executionId} is the one execution it may ever have. */
@EventName("approval.executed")
public record RequestExecutedEvent(String requestId, Actor by, String executionId) {
}
