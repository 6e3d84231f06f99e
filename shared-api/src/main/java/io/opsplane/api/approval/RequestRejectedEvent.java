package io.opsplane.api.approval;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.audit.EventName;

/** The request was rejected; it can never run. */
@EventName("approval.rejected")
public record RequestRejectedEvent(String requestId, Actor by, String reason) {
}
