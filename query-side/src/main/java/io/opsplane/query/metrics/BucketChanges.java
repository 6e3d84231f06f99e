package io.opsplane.query.metrics;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counter changes that one event makes to the minute and hour buckets, netted per bucket and field: moving an
 * execution from one minute to another writes both, moving it within a bucket writes nothing there.
 */
final class BucketChanges {

    private final Map<String, Bucket> byKey = new LinkedHashMap<>();

    /** Adds {@code delta} to {@code field} of the minute and the hour of {@code tool} holding {@code at}. */
    BucketChanges add(String tool, Instant at, String field, long delta) {
        Instant minute = at.truncatedTo(ChronoUnit.MINUTES);
        Instant hour = at.truncatedTo(ChronoUnit.HOURS);
        bucket(MetricsStore.minuteKey(tool, minute), tool, minute).add(field, delta);
        bucket(MetricsStore.hourKey(tool, hour), tool, hour).add(field, delta);
        return this;
    }

    /** The buckets with a change left after netting, by key. */
    Map<String, Bucket> nonZero() {
        Map<String, Bucket> changed = new LinkedHashMap<>();
        byKey.forEach((key, bucket) -> {
            bucket.deltas().values().removeIf(delta -> delta == 0);
            if (!bucket.deltas().isEmpty()) {
                changed.put(key, bucket);
            }
        });
        return changed;
    }

    private Bucket bucket(String key, String tool, Instant start) {
        return byKey.computeIfAbsent(key, k -> new Bucket(tool, start, new LinkedHashMap<>()));
    }

    /** One bucket's field changes. */
    record Bucket(String tool, Instant start, Map<String, Long> deltas) {

        void add(String field, long delta) {
            deltas.merge(field, delta, Long::sum);
        }
    }
}
