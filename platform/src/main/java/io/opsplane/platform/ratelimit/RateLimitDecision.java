package io.opsplane.platform.ratelimit;

/**
 * The answer to one request for a token, and what the {@code RateLimit-*} headers report.
 *
 * @param limit             the bucket's {@code perMinute}
 * @param remaining         whole tokens left after this request
 * @param resetSeconds      seconds until the bucket is full again
 * @param retryAfterSeconds when refused: seconds until a token is available (at least 1); else 0
 */
public record RateLimitDecision(boolean allowed, int limit, long remaining, long resetSeconds, long retryAfterSeconds) {
}
