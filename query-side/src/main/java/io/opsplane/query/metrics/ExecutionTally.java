package io.opsplane.query.metrics;

import org.bson.Document;

import java.time.Instant;

/**
 * Where the metrics last counted one execution: the time of its latest activity (request, retry, start or outcome),
 * where {@code executions} holds it, and its latest outcome with the duration bucket of the attempt that produced it.
 * A later event moves each count from these buckets to its own, so every execution is counted once.
 *
 * @param outcome {@code succeeded}, {@code failed} or {@code unknown}; null before the first outcome
 * @param durationBucket the {@link DurationHistogram} bucket of the latest outcome; null without one
 * @param position the position of the last event counted, so a redelivered event is recognised
 */
record ExecutionTally(String tool, Instant activityAt, String outcome, Instant outcomeAt, Integer durationBucket,
                      long position) {

    static ExecutionTally of(Document document) {
        return new ExecutionTally(document.getString("tool"), instant(document.get("activityAt")),
                document.getString("outcome"), instant(document.get("outcomeAt")),
                document.getInteger("durationBucket"), ((Number) document.get(MetricsStore.LAST_POSITION)).longValue());
    }

    Document toDocument() {
        Document document = new Document("tool", tool).append("activityAt", activityAt.toEpochMilli());
        if (outcome != null) {
            document.append("outcome", outcome).append("outcomeAt", outcomeAt.toEpochMilli())
                    .append("durationBucket", durationBucket);
        }
        return document.append(MetricsStore.LAST_POSITION, position);
    }

    private static Instant instant(Object epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(((Number) epochMillis).longValue());
    }
}
