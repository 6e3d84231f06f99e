package io.opsplane.query.metrics;

import org.bson.Document;
import org.springframework.data.mongodb.core.query.Update;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the metrics projection has counted in one processor batch: each event's bucket changes with its position,
 * the executions' tallies as they stand after the batch (read once each), and the tools seen. Written together by
 * {@link MetricsStore#write} when the batch's last event has been handled.
 */
final class MetricsBatch {

    private final MetricsStore store;
    private final Map<String, Optional<ExecutionTally>> tallies = new HashMap<>();
    private final Map<String, ExecutionTally> changedTallies = new LinkedHashMap<>();
    /** The position each tally had in the store when the batch read it (-1: none stored). */
    private final Map<String, Long> storedPositions = new HashMap<>();
    private final List<Counted> events = new ArrayList<>();
    private final Map<String, Instant> toolsSeen = new LinkedHashMap<>();

    /** @param tallies where the metrics counted the batch's executions so far, read together when it starts */
    MetricsBatch(MetricsStore store, Map<String, Optional<ExecutionTally>> tallies) {
        this.store = store;
        tallies.forEach(this::read);
    }

    /** One event's changes and the position that guards them against a second application. */
    record Counted(long position, BucketChanges changes) {
    }

    Optional<ExecutionTally> tally(String executionId) {
        Optional<ExecutionTally> known = tallies.get(executionId);
        if (known != null) {
            return known;
        }
        Optional<ExecutionTally> stored = store.tally(executionId);
        read(executionId, stored);
        return stored;
    }

    /** A tally as stored: the batch folds from it, and writes a changed one only past its stored position. */
    private void read(String executionId, Optional<ExecutionTally> stored) {
        tallies.put(executionId, stored);
        storedPositions.put(executionId, stored.map(ExecutionTally::position).orElse(-1L));
    }

    void count(long position, String tool, Instant at, BucketChanges changes, ExecutionTally tally,
               String executionId) {
        events.add(new Counted(position, changes));
        toolsSeen.putIfAbsent(tool, at);
        if (tally != null) {
            tallies.put(executionId, Optional.of(tally));
            changedTallies.put(executionId, tally);
        }
    }

    /** Counts the {@code $inc} fields of {@code counters} in the minute and hour of {@code tool} holding {@code at}. */
    void count(long position, String tool, Instant at, Update counters) {
        BucketChanges changes = new BucketChanges();
        Document increments = counters.getUpdateObject().get("$inc", Document.class);
        increments.forEach((field, delta) -> changes.add(tool, at, field, ((Number) delta).longValue()));
        count(position, tool, at, changes, null, null);
    }

    void write() {
        store.write(events, changedTallies, storedPositions, toolsSeen);
        events.clear();
        changedTallies.clear();
        toolsSeen.clear();
    }
}
