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
import io.opsplane.api.execution.ExecutionSucceededEvent;
import io.opsplane.api.execution.ExecutionUnknownEvent;
import io.opsplane.platform.store.EventPositions;
import io.opsplane.query.replay.ReadModels;
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
import java.util.Optional;

/**
 * The {@code metrics} read model: executions, outcomes, plans and a duration histogram per tool and minute (and per
 * hour, so long windows read few documents). Also counts live outcomes into Micrometer, never during a replay, so the
 * process's counters are not inflated by rebuilding.
 */
@Component
@ProcessingGroup(MetricsProjection.PROCESSING_GROUP)
public class MetricsProjection {

    public static final String PROCESSING_GROUP = "metrics";

    private final MetricsStore store;
    private final MeterRegistry meters;

    MetricsProjection(MetricsStore store, MeterRegistry meters) {
        this.store = store;
        this.meters = meters;
    }

    @EventHandler
    void on(ExecutionRequestedEvent event, EventMessage<?> message, TrackingToken token) {
        store.rememberTool(event.executionId(), event.tool().name());
        count(event.tool().name(), message, token, new Update().inc("executions", 1));
    }

    @EventHandler
    void on(ExecutionPlannedEvent event, EventMessage<?> message, TrackingToken token, ReplayStatus replay) {
        store.rememberTool(event.executionId(), event.tool().name());
        count(event.tool().name(), message, token, new Update().inc("plans", 1));
        live(replay, event.tool().name(), "planned", null);
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
        String tool = store.toolOf(event.executionId()).orElse("unknown");
        count(tool, message, token, new Update().inc("unknown", 1));
        live(replay, tool, "unknown", null);
    }

    @EventHandler
    void on(ApprovalRequestedEvent event, EventMessage<?> message, TrackingToken token, ReplayStatus replay) {
        store.rememberRequest(event.requestId(), event.tool().name(), message.getTimestamp());
        count(event.tool().name(), message, token, new Update().inc("approvalsRequested", 1));
        store.adjustPending(EventPositions.of(token), 1);
        approval(replay, event.tool().name(), "requested");
    }

    /** Only the approval that reaches the quorum decides the request; earlier ones leave it pending. */
    @EventHandler
    void on(RequestApprovedEvent event, EventMessage<?> message, TrackingToken token, ReplayStatus replay) {
        if (event.quorumReached()) {
            decided(event.requestId(), "approved", true, message, token, replay);
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
        count(tool, message, token, update);
        store.adjustPending(EventPositions.of(token), -1);
        approval(replay, tool, decision);
    }

    private void approval(ReplayStatus replay, String tool, String decision) {
        if (replay != null && replay.isReplay() || ReadModels.buildingShadow()) {
            return;
        }
        Counter.builder("opsplane.approvals").description("Approval requests and their decisions by tool")
                .tag("tool", tool).tag("decision", decision).register(meters).increment();
    }

    @ResetHandler
    void reset() {
        store.deleteAll();
    }

    private void outcome(String executionId, String status, long durationMs, EventMessage<?> message,
                         TrackingToken token, ReplayStatus replay) {
        String tool = store.toolOf(executionId).orElse("unknown");
        count(tool, message, token, new Update().inc(status, 1)
                .inc("durations." + DurationHistogram.bucketOf(durationMs), 1));
        live(replay, tool, status, durationMs);
    }

    private void count(String tool, EventMessage<?> message, TrackingToken token, Update counters) {
        store.count(tool, message.getTimestamp(), EventPositions.of(token), counters);
    }

    private void live(ReplayStatus replay, String tool, String status, Long durationMs) {
        if (replay != null && replay.isReplay() || ReadModels.buildingShadow()) {
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
