package io.opsplane.platform.ratelimit;

/**
 * A token bucket's shape: it holds at most {@code burst} tokens and refills {@code perMinute}
 * tokens a minute, continuously.
 */
public record BucketLimit(int perMinute, int burst) {

    public BucketLimit {
        if (perMinute < 1 || burst < 1) {
            throw new IllegalArgumentException("a bucket needs a positive rate and capacity");
        }
    }

    /** Tokens refilled per millisecond. */
    double tokensPerMilli() {
        return perMinute / 60_000.0;
    }
}
