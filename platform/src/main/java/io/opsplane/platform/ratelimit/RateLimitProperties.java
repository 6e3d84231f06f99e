package io.opsplane.platform.ratelimit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The default per-key token bucket, for keys issued without a {@code rateLimit} of their own.
 *
 * @param perMinute       tokens refilled per minute ({@code OPSPLANE_RATE_LIMIT_PER_MINUTE}); reported as
 *                        {@code RateLimit-Limit}
 * @param burst           bucket capacity: how many requests a key may make at once after being idle
 *                        ({@code OPSPLANE_RATE_LIMIT_BURST})
 * @param maxCasAttempts  how often one request retries its compare-and-swap on a bucket that other requests
 *                        keep changing before it is refused; refusing, not admitting, keeps the limit exact
 *                        under contention
 * @param leaseMax        most tokens an instance takes from a bucket in one compare-and-swap while it keeps being
 *                        asked for that bucket; it admits one request and hands the rest out without a store command
 *                        for up to a second ({@code OPSPLANE_RATE_LIMIT_LEASE_MAX}). Unused leased tokens are
 *                        dropped, so each instance may leave up to {@code leaseMax - 1} tokens of a bucket unused for
 *                        that second; no request is ever admitted beyond the bucket. 1 turns leasing off.
 */
@ConfigurationProperties("opsplane.rate-limit")
public record RateLimitProperties(
        @DefaultValue("3000") int perMinute,
        @DefaultValue("300") int burst,
        @DefaultValue("64") int maxCasAttempts,
        @DefaultValue("8") int leaseMax) {

    public BucketLimit defaultLimit() {
        return new BucketLimit(perMinute, burst);
    }
}
