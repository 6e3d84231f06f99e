package io.opsplane.query.metrics;

import io.opsplane.platform.ratelimit.RateLimiter;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metrics of a recent window, read from the pre-aggregated buckets of {@link MetricsStore}: which buckets
 * cover the window, how their counters and histograms add up, per tool and in total. What {@code GET /v1/metrics}
 * answers is decided here; the controller only reads the request and waits for the projection.
 */
@Component
class MetricsQuery {

    /** The windows a client may ask for, by the name it uses. */
    private static final Map<String, Duration> WINDOWS = Map.of(
            "15m", Duration.ofMinutes(15), "1h", Duration.ofHours(1),
            "24h", Duration.ofHours(24), "7d", Duration.ofDays(7));

    private final MetricsStore store;
    private final RateLimiter rateLimiter;
    private final Clock clock;

    MetricsQuery(MetricsStore store, RateLimiter rateLimiter) {
        this.store = store;
        this.rateLimiter = rateLimiter;
        this.clock = Clock.systemUTC();
    }

    /** The length of the window a client names, if it is one of {@link #WINDOWS}. */
    static Optional<Duration> window(String name) {
        return Optional.ofNullable(WINDOWS.get(name));
    }

    /** The figures of the {@code length} up to now, labelled {@code window}. */
    MetricsView over(String window, Duration length) {
        // Whole minutes, the current one included: the same request within a minute reads the same buckets.
        Instant to = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Instant from = to.minus(length);
        List<String> tools = store.tools();
        List<String> keys = new ArrayList<>();
        for (String tool : tools) {
            keys.addAll(bucketKeys(tool, from, to, length.compareTo(Duration.ofHours(24)) >= 0));
        }
        Map<String, Figures> byTool = new LinkedHashMap<>();
        for (Document bucket : store.buckets(keys)) {
            byTool.computeIfAbsent(bucket.getString("tool"), tool -> new Figures()).add(bucket);
        }
        Figures all = new Figures();
        List<ToolMetrics> toolMetrics = new ArrayList<>();
        byTool.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            Figures figures = entry.getValue();
            all.merge(figures);
            if (figures.executions > 0 || figures.retries > 0) {
                toolMetrics.add(new ToolMetrics(entry.getKey(), figures.executions, figures.succeeded, figures.failed,
                        figures.unknown, figures.retries, figures.errorRate(), figures.percentile(0.50),
                        figures.percentile(0.95), figures.percentile(0.99)));
            }
        });
        // Both applications count refusals into the same per-minute documents; the window is whole minutes too.
        long rateLimited = rateLimiter.rejectionsBetween(from.toEpochMilli(), to.toEpochMilli());
        return new MetricsView(window, from, to,
                new Totals(all.executions, all.succeeded, all.failed, all.unknown, all.retries, all.plans,
                        store.pending(), rateLimited),
                toolMetrics,
                new Approvals(all.approvalsRequested, all.approvalsApproved, all.approvalsRejected,
                        all.approvalsExpired, DurationHistogram.percentile(all.decisions, 0.5)));
    }

    /**
     * The bucket keys covering {@code from..to}: hours wholly inside for long windows, minutes elsewhere, so that a
     * 7-day window reads about 290 documents per tool and a 15-minute one 15, however many executions there were.
     */
    static List<String> bucketKeys(String tool, Instant from, Instant to, boolean useHours) {
        List<String> keys = new ArrayList<>();
        Instant at = from;
        while (at.isBefore(to)) {
            Instant hourEnd = at.plus(Duration.ofHours(1));
            if (useHours && at.equals(at.truncatedTo(ChronoUnit.HOURS)) && !hourEnd.isAfter(to)) {
                keys.add(MetricsStore.hourKey(tool, at));
                at = hourEnd;
            } else {
                keys.add(MetricsStore.minuteKey(tool, at));
                at = at.plus(Duration.ofMinutes(1));
            }
        }
        return keys;
    }

    /** Counters and the duration histogram summed over buckets. */
    private static final class Figures {

        long executions;
        long succeeded;
        long failed;
        long unknown;
        long retries;
        long plans;
        long approvalsRequested;
        long approvalsApproved;
        long approvalsRejected;
        long approvalsExpired;
        final Map<Integer, Long> durations = new HashMap<>();
        final Map<Integer, Long> decisions = new HashMap<>();

        void add(Document bucket) {
            executions += number(bucket, "executions");
            succeeded += number(bucket, "succeeded");
            failed += number(bucket, "failed");
            unknown += number(bucket, "unknown");
            retries += number(bucket, "retries");
            plans += number(bucket, "plans");
            approvalsRequested += number(bucket, "approvalsRequested");
            approvalsApproved += number(bucket, "approvalsApproved");
            approvalsRejected += number(bucket, "approvalsRejected");
            approvalsExpired += number(bucket, "approvalsExpired");
            mergeHistogram(bucket.get("durations"), durations);
            mergeHistogram(bucket.get("decisions"), decisions);
        }

        private static void mergeHistogram(Object histogram, Map<Integer, Long> into) {
            if (histogram instanceof Document counts) {
                counts.forEach((index, count) -> into.merge(Integer.parseInt(index), ((Number) count).longValue(),
                        Long::sum));
            }
        }

        void merge(Figures other) {
            executions += other.executions;
            succeeded += other.succeeded;
            failed += other.failed;
            unknown += other.unknown;
            retries += other.retries;
            plans += other.plans;
            approvalsRequested += other.approvalsRequested;
            approvalsApproved += other.approvalsApproved;
            approvalsRejected += other.approvalsRejected;
            approvalsExpired += other.approvalsExpired;
            other.durations.forEach((index, count) -> durations.merge(index, count, Long::sum));
            other.decisions.forEach((index, count) -> decisions.merge(index, count, Long::sum));
        }

        /** Failed among the executions whose latest outcome in the window is a success or a failure. */
        double errorRate() {
            long finished = succeeded + failed;
            return finished == 0 ? 0.0 : (double) failed / finished;
        }

        Long percentile(double quantile) {
            return DurationHistogram.percentile(durations, quantile);
        }

        private static long number(Document bucket, String field) {
            Object value = bucket.get(field);
            return value == null ? 0 : ((Number) value).longValue();
        }
    }

    record MetricsView(String window, Instant from, Instant to, Totals totals, List<ToolMetrics> tools,
                       Approvals approvals) {
    }

    record Totals(long executions, long succeeded, long failed, long unknown, long retries, long plans,
                  long pendingApprovals, long rateLimited) {
    }

    record ToolMetrics(String tool, long executions, long succeeded, long failed, long unknown, long retries,
                       double errorRate, Long p50Ms, Long p95Ms, Long p99Ms) {
    }

    record Approvals(long requested, long approved, long rejected, long expired, Long medianDecisionMs) {
    }
}
