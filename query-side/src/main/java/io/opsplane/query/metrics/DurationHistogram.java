package io.opsplane.query.metrics;

import java.util.Map;

/**
 * Durations counted in fixed, logarithmic buckets (four per doubling, from 1 ms to about 3 days), so that buckets of
 * any minutes and tools merge by adding counts and a percentile of the merge is within 19% of the true value.
 * Bucket {@code i} holds durations up to {@link #upperBoundMs(int)}.
 */
final class DurationHistogram {

    static final int BUCKETS = 4 * 28;

    private DurationHistogram() {
    }

    /** The bucket of a duration: the first whose upper bound is at least {@code durationMs}. */
    static int bucketOf(long durationMs) {
        if (durationMs <= 1) {
            return 0;
        }
        int bucket = (int) Math.ceil(4 * (Math.log(durationMs) / Math.log(2)) - 1e-9);
        return Math.min(bucket, BUCKETS - 1);
    }

    static long upperBoundMs(int bucket) {
        return Math.round(Math.pow(2, bucket / 4.0));
    }

    /**
     * The {@code quantile} (0..1) of merged counts keyed by bucket index, as the upper bound of the bucket holding it;
     * null when nothing was counted.
     */
    static Long percentile(Map<Integer, Long> counts, double quantile) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            seen += counts.getOrDefault(bucket, 0L);
            if (seen >= rank) {
                return upperBoundMs(bucket);
            }
        }
        return upperBoundMs(BUCKETS - 1);
    }
}
