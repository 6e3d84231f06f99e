package io.opsplane.command.apikey;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * API key lifecycle settings of the command side.
 *
 * @param expirySweepInterval how often each command-side instance looks for keys past their
 *                            {@code expiresAt} and records {@code apikey.expired} for them. Authentication
 *                            refuses an expired key at once regardless; this only bounds how late the
 *                            event and the listing's {@code expired} status follow.
 * @param expirySweepBatch    how many due keys one sweep handles; the rest wait for the next sweep
 */
@ConfigurationProperties("opsplane.api-keys")
public record ApiKeyProperties(
        @DefaultValue("5s") Duration expirySweepInterval,
        @DefaultValue("100") int expirySweepBatch) {
}
