package io.opsplane.query.eventlog;

import tools.jackson.databind.JsonNode;

import java.time.Instant;

/** One event as the audit log shows it. */
public record EventLogItem(long position, String type, String aggregateId, Long sequence, Instant timestamp, JsonNode actor,
                    JsonNode payload, String hash) {
}
