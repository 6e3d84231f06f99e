package io.opsplane.platform.ratelimit;

/**
 * The answer to one request for a token, and what the {@code RateLimit-*} headers report.
 *
 * @param limit             the bucket's {@code perMinute}
 * @param remaining         whole tokens left after this request, as the deciding instance knows the bucket: what it
 *                          held after that instance's last take, refilled since, plus the tokens the instance leased
 *                          from it and has not handed out (other instances' takes after that take are not seen)
 * @param resetSeconds      seconds until the bucket is full again
 * @param retryAfterSeconds when refused: seconds until a token is available (at least 1); else 0
 */
public record RateLimitDecision(boolean allowed, int limit, long remaining, long resetSeconds, long retryAfterSeconds) {
}
