package io.opsplane.query.audit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How the query side seals the audit trail.
 *
 * @param sealInterval           how often new events are sealed into checkpoints; bounds how long a deletion at the
 *                               end of the log is covered by the per-aggregate chain alone
 * @param maxEventsPerCheckpoint largest number of events one checkpoint covers; also what one checkpoint of an export
 *                               and of a verification holds in memory
 */
@ConfigurationProperties("opsplane.audit")
public record AuditProperties(
        @DefaultValue("1s") Duration sealInterval,
        @DefaultValue("1000") int maxEventsPerCheckpoint) {
}
