package io.opsplane.api.approval;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.audit.EventName;

/** The requester or an admin withdrew the request; {@code reason} may be null. */
@EventName("approval.cancelled")
public record RequestCancelledEvent(String requestId, Actor by, String reason) {
}
