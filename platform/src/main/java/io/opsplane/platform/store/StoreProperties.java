package io.opsplane.platform.store;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How an application reaches the event store and reads from it.
 *
 * @param fetchDelay how long a tracking reader waits before polling the store again when it found
 *                   nothing new; bounds how late another process sees an event
 * @param batchSize  events per tracking or aggregate read
 * @param gapTimeout how long a reader waits for a reserved but unwritten position before skipping it
 */
@ConfigurationProperties("opsplane.store")
public record StoreProperties(
        @DefaultValue("25ms") Duration fetchDelay,
        @DefaultValue("100") int batchSize,
        @DefaultValue("10s") Duration gapTimeout) {
}
