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
 */
@ConfigurationProperties("opsplane.query")
public record QueryProperties(
        @DefaultValue("5s") Duration minPositionMaxWait,
        @DefaultValue("20ms") Duration minPositionPollInterval,
        @DefaultValue("1000") int projectionBatchSize) {
}
