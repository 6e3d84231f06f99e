package io.opsplane.platform.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Limits and caches at the HTTP edge.
 *
 * @param maxBodyBytes       the largest request body accepted; larger is {@code 413 payload_too_large}
 * @param credentialCacheTtl how long a key lookup is reused; keep well under a second so that a
 *                           revocation reaches every node within one
 */
@ConfigurationProperties("opsplane.edge")
public record EdgeProperties(
        @DefaultValue("1048576") long maxBodyBytes,
        @DefaultValue("250ms") Duration credentialCacheTtl) {
}
