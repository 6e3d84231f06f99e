package io.opsplane.query.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opsplane.api.approval.ApprovalRequestedEvent;
import io.opsplane.api.approval.RequestApprovedEvent;
import io.opsplane.api.approval.RequestCancelledEvent;
import io.opsplane.api.approval.RequestExpiredEvent;
import io.opsplane.api.approval.RequestRejectedEvent;
import io.opsplane.api.execution.ExecutionFailedEvent;
import io.opsplane.api.execution.ExecutionPlannedEvent;
import io.opsplane.api.execution.ExecutionRequestedEvent;
import io.opsplane.api.execution.ExecutionRetriedEvent;
import io.opsplane.api.execution.ExecutionStartedEvent;
import io.opsplane.api.execution.ExecutionSucceededEvent;
import io.opsplane.api.execution.ExecutionUnknownEvent;
import io.opsplane.platform.store.EventPositions;
import io.opsplane.query.execution.ExecutionProjection;
import io.opsplane.query.index.PerBatch;
import io.opsplane.query.replay.ReadModels;
import io.opsplane.query.replay.ReadModel;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ReplayStatus;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.bson.Document;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code metrics} read model: executions, outcomes, retries, plans and a duration histogram per tool and minute
 * (and per hour, so long windows read few documents), each execution counted once by its latest activity and outcome
 * (see {@link #track}). Also counts live outcomes into Micrometer, never during a replay, so the
 * process's counters are not inflated by rebuilding.
 */
@Component
@ProcessingGroup(MetricsProjection.PROCESSING_GROUP)
@ReadModel({MetricsStore.BUCKETS, MetricsStore.EXECUTIONS, MetricsStore.TOOLS})
public class MetricsProjection {

    public static final String PROCESSING_GROUP = "metrics";
    private static final String BATCH = MetricsProjection.class.getName() + ".batch";

    private final MetricsStore store;
    private final MeterRegistry meters;

    MetricsProjection(MetricsStore store, MeterRegistry meters) {
        this.store = store;
        this.meters = meters;
    }

    @EventHandler
    void on(ExecutionRequestedEvent event, EventMessage<?> message, TrackingToken token) {
        MetricsBatch batch = batch();
        track(batch, event.executionId(), event.tool().name(), message, token, Change.ACTIVITY, null, null);
        endOf(batch);
    }

    @EventHandler
    void on(ExecutionPlannedEvent event, EventMessage<?> message, TrackingToken token, ReplayStatus replay) {
        MetricsBatch batch = batch();
        count(batch, event.tool().name(), message, token, new Update().inc("plans", 1));
        live(replay, event.tool().name(), "planned", null);
        endOf(batch);
    }

    @EventHandler
    void on(ExecutionStartedEvent event, EventMessage<?> message, TrackingToken token) {
        MetricsBatch batch = batch();
        track(batch, event.executionId(), null, message, token, Change.ACTIVITY, null, null);
        endOf(batch);
    }

    @EventHandler
    void on(ExecutionRetriedEvent event, EventMessage<?> message, TrackingToken token, ReplayStatus replay) {
        MetricsBatch batch = batch();
        String tool = track(batch, event.executionId(), event.tool().name(), message, token, Change.RETRY, null,
                null);
        if (isLive(replay)) {
            Counter.builder("opsplane.execution.retries").description("Explicit retries of failed executions by tool")
                    .tag("tool", tool).register(meters).increment();
        }
        endOf(batch);
    }

    @EventHandler
    void on(ExecutionSucceededEvent event, EventMessage<?> message, TrackingToken token, ReplayStatus replay) {
        outcome(event.executionId(), "succeeded", event.durationMs(), message, token, replay);
    }

    @EventHandler
    void on(ExecutionFailedEvent event, EventMessage<?> message, TrackingToken token, ReplayStatus replay) {
        outcome(event.executionId(), "failed", event.durationMs(), message, token, replay);
    }

    @EventHandler
    void on(ExecutionUnknownEvent event, EventMessage<?> message, TrackingToken token, ReplayStatus replay) {
        outcome(event.executionId(), "unknown", null, message, token, replay);
    }

    /**
     * Every other event: nothing to count, but the batch's last event may be one of them, and the batch is written
     * when its last event has been handled (Axon invokes one handler of this class per event, the most specific).
     */
    @EventHandler
    void on(Object event) {
        endOf(batch());
    }

    private MetricsBatch batch() {
        return PerBatch.state(BATCH, () -> new MetricsBatch(store,
                store.tallies(PerBatch.aggregateIds(ExecutionProjection.EXECUTION_AGGREGATE_TYPE))));
    }

    private static void endOf(MetricsBatch batch) {
        if (PerBatch.atEnd()) {
            batch.write();
        }
    }

    @EventHandler
    void on(ApprovalRequestedEvent event, EventMessage<?> message, TrackingToken token, ReplayStatus replay) {
        MetricsBatch batch = batch();
        store.rememberRequest(event.requestId(), event.tool().name(), message.getTimestamp());
        count(batch, event.tool().name(), message, token, new Update().inc("approvalsRequested", 1));
        store.adjustPending(EventPositions.of(token), 1);
        approval(replay, event.tool().name(), "requested");
        endOf(batch);
    }

    /** Only the approval that reaches the quorum decides the request; earlier ones leave it pending. */
    @EventHandler
    void on(RequestApprovedEvent event, EventMessage<?> message, TrackingToken token, ReplayStatus replay) {
        if (event.quorumReached()) {
            decided(event.requestId(), "approved", true, message, token, replay);
        } else {
            endOf(batch());
        }
    }

    @EventHandler
    void on(RequestRejectedEvent event, EventMessage<?> message, TrackingToken token, ReplayStatus replay) {
        decided(event.requestId(), "rejected", true, message, token, replay);
    }

    @EventHandler
    void on(RequestExpiredEvent event, EventMessage<?> message, TrackingToken token, ReplayStatus replay) {
        decided(event.requestId(), "expired", false, message, token, replay);
    }

    @EventHandler
    void on(RequestCancelledEvent event, EventMessage<?> message, TrackingToken token, ReplayStatus replay) {
        decided(event.requestId(), "cancelled", false, message, token, replay);
    }

    private void decided(String requestId, String decision, boolean byPerson, EventMessage<?> message,
                         TrackingToken token, ReplayStatus replay) {
        String counter = "approvals" + Character.toUpperCase(decision.charAt(0)) + decision.substring(1);
        Optional<Document> request = store.request(requestId);
        String tool = request.map(r -> r.getString("tool")).orElse("unknown");
        Update update = new Update().inc(counter, 1);
        Object requestedAt = request.map(r -> r.get("requestedAt")).orElse(null);
        if (byPerson && requestedAt != null) {
            long decisionMs = Math.max(0, message.getTimestamp().toEpochMilli() - ((Number) requestedAt).longValue());
            update.inc("decisions." + DurationHistogram.bucketOf(decisionMs), 1);
        }
        MetricsBatch batch = batch();
        count(batch, tool, message, token, update);
        store.adjustPending(EventPositions.of(token), -1);
        approval(replay, tool, decision);
        endOf(batch);
    }

    private void approval(ReplayStatus replay, String tool, String decision) {
        if (!isLive(replay)) {
            return;
        }
        Counter.builder("opsplane.approvals").description("Approval requests and their decisions by tool")
                .tag("tool", tool).tag("decision", decision).register(meters).increment();
    }

    @ResetHandler
    void reset() {
        store.deleteAll();
    }

    private void outcome(String executionId, String status, Long durationMs, EventMessage<?> message,
                         TrackingToken token, ReplayStatus replay) {
        MetricsBatch batch = batch();
        Integer durationBucket = durationMs == null ? null : DurationHistogram.bucketOf(durationMs);
        String tool = track(batch, executionId, null, message, token, Change.OUTCOME, status, durationBucket);
        live(replay, tool, status, durationMs);
        endOf(batch);
    }

    /** What an execution event changes besides moving the execution to the event's minute. */
    private enum Change { ACTIVITY, RETRY, OUTCOME }

    /**
     * Moves the execution's count to the minute of this event and, for an outcome, its outcome and duration from the
     * previous outcome's minute to this one: every execution is counted once, in the minute of its latest activity,
     * and by its latest outcome. Because every window ends now, the sum over a window's buckets is then exactly the
     * executions active in it and the latest outcomes within it. Returns the execution's tool.
     */
    private String track(MetricsBatch batch, String executionId, String toolOfEvent, EventMessage<?> message,
                         TrackingToken token, Change change, String outcome, Integer durationBucket) {
        long position = EventPositions.of(token);
        Optional<ExecutionTally> previous = batch.tally(executionId);
        String tool = previous.map(ExecutionTally::tool).orElse(toolOfEvent == null ? "unknown" : toolOfEvent);
        if (previous.isPresent() && previous.get().position() >= position) {
            return tool;
        }
        Instant at = message.getTimestamp();
        BucketChanges changes = new BucketChanges();
        previous.ifPresent(before -> changes.add(tool, before.activityAt(), "executions", -1));
        changes.add(tool, at, "executions", 1);
        ExecutionTally after;
        if (change == Change.OUTCOME) {
            previous.filter(before -> before.outcome() != null).ifPresent(before -> {
                changes.add(tool, before.outcomeAt(), before.outcome(), -1);
                if (before.durationBucket() != null) {
                    changes.add(tool, before.outcomeAt(), "durations." + before.durationBucket(), -1);
                }
            });
            changes.add(tool, at, outcome, 1);
            if (durationBucket != null) {
                changes.add(tool, at, "durations." + durationBucket, 1);
            }
            after = new ExecutionTally(tool, at, outcome, at, durationBucket, position);
        } else {
            if (change == Change.RETRY) {
                changes.add(tool, at, "retries", 1);
            }
            after = previous.map(before -> new ExecutionTally(tool, at, before.outcome(), before.outcomeAt(),
                    before.durationBucket(), position)).orElse(new ExecutionTally(tool, at, null, null, null, position));
        }
        batch.count(position, tool, at, changes, after, executionId);
        return tool;
    }

    private static void count(MetricsBatch batch, String tool, EventMessage<?> message, TrackingToken token,
                              Update counters) {
        batch.count(EventPositions.of(token), tool, message.getTimestamp(), counters);
    }

    /** Whether this delivery is a live one: process counters are not inflated by rebuilding. */
    private static boolean isLive(ReplayStatus replay) {
        return !(replay != null && replay.isReplay() || ReadModels.buildingShadow());
    }

    private void live(ReplayStatus replay, String tool, String status, Long durationMs) {
        if (!isLive(replay)) {
            return;
        }
        Counter.builder("opsplane.executions").description("Executions and plans by tool and final status")
                .tag("tool", tool).tag("status", status).register(meters).increment();
        if (durationMs != null) {
            Timer.builder("opsplane.execution.duration").description("Execution durations by tool and status")
                    .tag("tool", tool).tag("status", status).publishPercentileHistogram()
                    .register(meters).record(Duration.ofMillis(durationMs));
        }
    }
}
