package io.opsplane.api.apikey;

/**
 * A key's own token-bucket limit.
 *
 * @param perMinute tokens refilled per minute
 * @param burst     bucket capacity
 */
public record RateLimitSpec(int perMinute, int burst) {
}
