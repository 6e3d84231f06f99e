package io.opsplane.api.approval;

import io.opsplane.api.audit.EventName;

import java.time.Instant;

/** The request reached {@code expiresAt} without being executed. Recorded by the system, so no actor. */
@EventName("approval.expired")
public record RequestExpiredEvent(String requestId, Instant expiresAt, String reason) {
}
