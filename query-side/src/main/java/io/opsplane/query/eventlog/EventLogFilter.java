package io.opsplane.query.eventlog;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A validated request for one page of the event log, oldest first.
 *
 * @param types events of any of these public type names; empty for every type
 * @param since inclusive lower bound of the event timestamp
 * @param after only events at a higher position
 */
record EventLogFilter(List<String> types, Optional<String> aggregateId, Optional<Instant> since, OptionalLong after,
                      int limit) {
}
