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
 */
@ConfigurationProperties("opsplane.rate-limit")
public record RateLimitProperties(
        @DefaultValue("3000") int perMinute,
        @DefaultValue("300") int burst,
        @DefaultValue("64") int maxCasAttempts) {

    public BucketLimit defaultLimit() {
        return new BucketLimit(perMinute, burst);
    }
}
