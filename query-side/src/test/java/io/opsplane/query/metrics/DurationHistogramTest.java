package io.opsplane.query.metrics;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DurationHistogramTest {

    @Test
    void everyDurationFallsInABucketWhoseBoundIsWithinNineteenPercentAbove() {
        for (long duration = 1; duration < 50_000_000; duration = duration * 3 / 2 + 1) {
            long bound = DurationHistogram.upperBoundMs(DurationHistogram.bucketOf(duration));
            assertThat(bound).as("bound of %d ms", duration).isGreaterThanOrEqualTo(duration)
                    .isLessThanOrEqualTo(Math.max(duration + 1, Math.round(duration * 1.19)));
        }
    }

    @Test
    void percentilesOfMergedCountsAreThoseOfAllDurations() {
        Map<Integer, Long> merged = new HashMap<>();
        for (long duration = 1; duration <= 100; duration++) {
            merged.merge(DurationHistogram.bucketOf(duration * 10), 1L, Long::sum);
        }

        assertThat(DurationHistogram.percentile(merged, 0.50)).isBetween(500L, 595L);
        assertThat(DurationHistogram.percentile(merged, 0.99)).isBetween(990L, 1178L);
        assertThat(DurationHistogram.percentile(Map.of(), 0.5)).isNull();
    }
}
