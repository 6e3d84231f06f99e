package io.opsplane.query.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How the query side projects events and answers reads that must see a given position.
 *
 * @param minPositionMaxWait     how long a read with {@code ?minPosition=} waits for its projection
 *                               before answering {@code 503 projection_behind}
 * @param minPositionPollInterval how often such a read looks at the projection's progress meanwhile
 * @param projectionBatchSize    events a projection handles per stored token, at most; larger batches
 *                               write fewer tokens and fewer, fuller read-model writes while a backlog is
 *                               worked off; smaller ones let {@code minPosition} reads of an event in a
 *                               backlog return sooner
 * @param projectionGather       how long a projection that has worked off everything waits, once the next event
 *                               arrives, for the events that follow it before it handles them as one batch: an
 *                               execution's events arrive over a few tens of milliseconds, and each batch costs
 *                               the same reads and writes whether it holds one event or fifty; {@code 0} handles
 *                               each event as it arrives. Under load there is always a backlog and nothing waits.
 */
@ConfigurationProperties("opsplane.query")
public record QueryProperties(
        @DefaultValue("5s") Duration minPositionMaxWait,
        @DefaultValue("20ms") Duration minPositionPollInterval,
        @DefaultValue("1000") int projectionBatchSize,
        @DefaultValue("25ms") Duration projectionGather) {
}
