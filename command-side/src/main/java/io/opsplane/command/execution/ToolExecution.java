package io.opsplane.command.execution;

import io.opsplane.api.execution.CompleteExecutionCommand;
import io.opsplane.api.execution.ExecutionFailedEvent;
import io.opsplane.api.execution.ExecutionPlannedEvent;
import io.opsplane.api.execution.ExecutionRequestedEvent;
import io.opsplane.api.execution.ExecutionRetriedEvent;
import io.opsplane.api.execution.ExecutionStartedEvent;
import io.opsplane.api.execution.ExecutionStatus;
import io.opsplane.api.execution.ExecutionStepFailedEvent;
import io.opsplane.api.execution.ExecutionStepSucceededEvent;
import io.opsplane.api.execution.ExecutionSucceededEvent;
import io.opsplane.api.execution.ExecutionUnknownEvent;
import io.opsplane.api.execution.FailExecutionCommand;
import io.opsplane.api.execution.PlanExecutionCommand;
import io.opsplane.api.execution.RecordStepFailedCommand;
import io.opsplane.api.execution.RecordStepSucceededCommand;
import io.opsplane.api.execution.RequestAndStartExecutionCommand;
import io.opsplane.api.execution.RequestExecutionCommand;
import io.opsplane.api.execution.RetryExecutionCommand;
import io.opsplane.api.execution.StartDecision;
import io.opsplane.api.execution.StartExecutionCommand;
import io.opsplane.api.execution.ToolRef;
import io.opsplane.api.refusal.Refusal;
import io.opsplane.api.refusal.RefusalReason;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * One tool execution (or plan). Decides only; the tool itself runs outside, in {@link ToolRunner},
 * which reports back with commands, so a crash between request and outcome leaves a record that a
 * runner can pick up again.
 */
@Aggregate(cache = ToolExecution.CACHE)
class ToolExecution {

    /** The bean name of this node's cache of executions, see {@code ExecutionCacheConfiguration}. */
    static final String CACHE = "toolExecutionCache";

    @AggregateIdentifier
    private String executionId;
    private ExecutionStatus status;
    private boolean idempotentTool;
    private ToolRef tool;
    private Map<String, Object> input;
    private boolean awaitingStart;
    private int attempts;
    private Instant startedAt;

    ToolExecution() {
    }

    @CommandHandler
    ToolExecution(PlanExecutionCommand command) {
        apply(new ExecutionPlannedEvent(command.executionId(), command.tool(), command.input(), command.reason(),
                command.actor(), command.idempotencyKey(), command.requestHash(), command.plan()));
    }

    @CommandHandler
    ToolExecution(RequestExecutionCommand command) {
        apply(new ExecutionRequestedEvent(command.executionId(), command.tool(), command.input(), command.reason(),
                command.actor(), command.idempotencyKey(), command.requestHash(), command.approvalRequestId(),
                command.steps()));
    }

    /** Requested and claimed by the accepting node's runner in one commit: it runs the tool at once. */
    @CommandHandler
    ToolExecution(RequestAndStartExecutionCommand command) {
        this(command.request());
        apply(new ExecutionStartedEvent(command.request().executionId(), command.runner(), 1));
    }

    /**
     * Claims the execution for a runner. A repeat after an outcome is an idempotent no-op
     * ({@link StartDecision#SKIP}): it happens when an event is redelivered to the runner. A repeat
     * while running means the previous runner died: an idempotent tool is resumed, any other is
     * marked unknown, never run twice.
     */
    @CommandHandler
    StartDecision handle(StartExecutionCommand command) {
        if (isPlan()) {
            throw invalidState("a plan is never run");
        }
        if (hasOutcome()) {
            return StartDecision.SKIP;
        }
        if (awaitingStart || idempotentTool) {
            apply(new ExecutionStartedEvent(executionId, command.runner(), attempts + 1));
            return StartDecision.RUN;
        }
        apply(new ExecutionUnknownEvent(executionId, "the runner stopped after starting attempt " + attempts
                + " and the tool is not idempotent: check the target system before retrying"));
        return StartDecision.SKIP;
    }

    /**
     * Resumes a failed execution under the same id. The runner skips the steps that succeeded, so
     * nothing completed is repeated. Only a failure may be retried: an unknown outcome needs a
     * person to reconcile first, and a success or a plan has nothing to resume.
     */
    @CommandHandler
    void handle(RetryExecutionCommand command) {
        if (!hasFailed()) {
            throw invalidState("only a failed execution can be retried; execution "
                    + executionId + " is " + status.name().toLowerCase(Locale.ROOT));
        }
        apply(new ExecutionRetriedEvent(executionId, tool, input, command.actor()));
    }

    @CommandHandler
    void handle(RecordStepSucceededCommand command) {
        requireRunning();
        apply(new ExecutionStepSucceededEvent(executionId, command.step(), command.output()));
    }

    @CommandHandler
    void handle(RecordStepFailedCommand command) {
        requireRunning();
        apply(new ExecutionStepFailedEvent(executionId, command.step(), command.error()));
    }

    @CommandHandler
    void handle(CompleteExecutionCommand command) {
        requireRunning();
        apply(new ExecutionSucceededEvent(executionId, command.output(), elapsedMs()));
    }

    @CommandHandler
    void handle(FailExecutionCommand command) {
        requireRunning();
        apply(new ExecutionFailedEvent(executionId, command.error(), elapsedMs()));
    }

    private boolean isPlan() {
        return status == ExecutionStatus.PLANNED;
    }

    private boolean hasOutcome() {
        return status == ExecutionStatus.SUCCEEDED || status == ExecutionStatus.FAILED
                || status == ExecutionStatus.UNKNOWN;
    }

    private boolean hasFailed() {
        return status == ExecutionStatus.FAILED;
    }

    private boolean wasStarted() {
        return attempts > 0;
    }

    private void requireRunning() {
        if (!wasStarted() || hasOutcome() || isPlan()) {
            throw invalidState("execution " + executionId + " is not running");
        }
    }

    private static Refusal invalidState(String detail) {
        return new Refusal(RefusalReason.INVALID_STATE, detail);
    }

    private long elapsedMs() {
        return Math.max(0, Duration.between(startedAt, GenericEventMessage.clock.instant()).toMillis());
    }

    @EventSourcingHandler
    void on(ExecutionPlannedEvent event) {
        executionId = event.executionId();
        status = ExecutionStatus.PLANNED;
    }

    @EventSourcingHandler
    void on(ExecutionRequestedEvent event) {
        executionId = event.executionId();
        status = ExecutionStatus.RUNNING;
        idempotentTool = event.tool().idempotent();
        tool = event.tool();
        input = event.input();
        awaitingStart = true;
    }

    @EventSourcingHandler
    void on(ExecutionRetriedEvent event) {
        status = ExecutionStatus.RUNNING;
        awaitingStart = true;
    }

    @EventSourcingHandler
    void on(ExecutionStartedEvent event, @Timestamp Instant at) {
        attempts = event.attempt();
        startedAt = at;
        awaitingStart = false;
        status = ExecutionStatus.RUNNING;
    }

    @EventSourcingHandler
    void on(ExecutionSucceededEvent event) {
        status = ExecutionStatus.SUCCEEDED;
    }

    @EventSourcingHandler
    void on(ExecutionFailedEvent event) {
        status = ExecutionStatus.FAILED;
    }

    @EventSourcingHandler
    void on(ExecutionUnknownEvent event) {
        status = ExecutionStatus.UNKNOWN;
    }
}
