package io.opsplane.command.webhook;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How webhook deliveries are made.
 *
 * @param maxAttempts    attempts per event before it is dead-lettered and the subscriber moves on
 * @param initialBackoff wait before the second attempt; each later wait doubles
 * @param maxBackoff     longest wait between two attempts
 * @param timeout        how long one attempt may take, connection included
 * @param pollInterval   how often an idle subscriber looks for new events
 * @param lease          how long an instance owns a subscriber without renewing; another instance takes over after
 */
@ConfigurationProperties("opsplane.webhooks")
public record WebhookProperties(
        @DefaultValue("5") int maxAttempts,
        @DefaultValue("1s") Duration initialBackoff,
        @DefaultValue("5m") Duration maxBackoff,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("200ms") Duration pollInterval,
        @DefaultValue("30s") Duration lease) {
}
