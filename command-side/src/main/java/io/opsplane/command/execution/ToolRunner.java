package io.opsplane.command.execution;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsplane.api.execution.CompleteExecutionCommand;
import io.opsplane.api.execution.ExecutionError;
import io.opsplane.api.execution.ExecutionRequestedEvent;
import io.opsplane.api.execution.ExecutionRetriedEvent;
import io.opsplane.api.execution.FailExecutionCommand;
import io.opsplane.api.execution.RecordStepFailedCommand;
import io.opsplane.api.execution.RecordStepSucceededCommand;
import io.opsplane.api.execution.RequestAndStartExecutionCommand;
import io.opsplane.api.execution.StartDecision;
import io.opsplane.api.execution.StartExecutionCommand;
import io.opsplane.api.execution.StepStatus;
import io.opsplane.api.execution.ToolRef;
import io.opsplane.command.tool.SecretRedactor;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolContext;
import io.opsplane.command.tool.ToolFailure;
import io.opsplane.command.tool.ToolJson;
import io.opsplane.command.tool.ToolRegistry;
import jakarta.annotation.PreDestroy;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.Registration;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs tools, outside any aggregate, in two ways.
 *
 * <p>Normally the node that accepts an execution runs it at once ({@link #runAccepted}): the request and the claim
 * were one commit ({@link RequestAndStartExecutionCommand}, naming this node's runner), and the tool runs in the
 * bulkhead lane of its tool and API key ({@link ToolLanes}), so one key's or one tool's slow calls never queue
 * another's. Such a run answers with the execution as the events this node appended tell it, from the request to
 * the outcome ({@link #keepAppended}), so the answer needs no read of the stream.
 *
 * <p>The streaming processor is the recovery path. It sees every {@link ExecutionRequestedEvent}; an execution
 * this node ran and finished is skipped without a read, one still running here is waited for, and any other is
 * read: one with an outcome is done, one started by a runner whose lease is alive ({@link RunnerHeartbeats}) is
 * waited for, and one never started, or started by a runner that died, gets {@link StartExecutionCommand}, which
 * decides whether it may run again (an idempotent tool resumes, any other is marked unknown, never run twice).
 * The processor's token only moves on after that, so an execution interrupted by a crash is delivered again on
 * restart (or to another node). Retries ({@link ExecutionRetriedEvent}) run on this path too.
 *
 * <p>Commands sent from the processor go through a thread of their own: a command sent inside the processor's
 * unit of work would be nested in it, and its events stored only when the whole event has been handled. The start
 * must be stored before the tool acts, or a crash mid-run leaves no trace that it started and the tool runs twice;
 * each step must be stored when it ends, so a failure records exactly what was done.
 */
@Component
@ProcessingGroup(ToolRunner.PROCESSING_GROUP)
class ToolRunner {

    static final String PROCESSING_GROUP = "tool-runner";
    /** How often the recovery path looks again at an execution whose runner is alive. */
    private static final Duration LEASE_RECHECK = Duration.ofMillis(500);
    /** Beyond the tool's timeout, how long a live runner may take to record an outcome before it counts as lost. */
    private static final Duration OUTCOME_GRACE = Duration.ofSeconds(60);
    /** How many executions this node remembers having finished, so the recovery path skips them without a read. */
    private static final int REMEMBERED_FINISHED = 100_000;
    private static final Logger log = LoggerFactory.getLogger(ToolRunner.class);

    private final CommandGateway commands;
    private final ToolRegistry registry;
    private final SecretVault vault;
    private final ExecutionReader reader;
    private final RunnerHeartbeats heartbeats;
    private final ToolLanes lanes;
    /** Runs each tool call, so that a call that outlives its timeout can be given up on (and interrupted). */
    private final ThreadPoolTaskExecutor workers = ToolLanes.cachedPool("tool-worker-");
    /** Sends the processor path's commands in units of work of their own (see the class comment). */
    private final ThreadPoolTaskExecutor recorders = ToolLanes.cachedPool("tool-recorder-");
    /** Executions running in this process, to the moment their outcome is recorded. */
    private final Map<String, CompletableFuture<Optional<RecordedExecution>>> runningHere = new ConcurrentHashMap<>();
    /** The events this node appends for executions it is accepting or running, by execution. */
    private final Map<String, Appended> appendedHere = new ConcurrentHashMap<>();
    private final Registration appendsSeen;
    /** Executions this process ran and recorded an outcome for, the oldest forgotten first. */
    private final Set<String> finishedHere = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED_FINISHED;
                }
            }));

    ToolRunner(CommandGateway commands, ToolRegistry registry, SecretVault vault, ExecutionReader reader,
               RunnerHeartbeats heartbeats, ToolLanes lanes, EventStore eventStore) {
        this.commands = commands;
        this.registry = registry;
        this.vault = vault;
        this.reader = reader;
        this.heartbeats = heartbeats;
        this.lanes = lanes;
        // The store hands each commit's events to its subscribers once they are appended, on the appending thread.
        this.appendsSeen = eventStore.subscribe(this::keep);
    }

    /** The name this node's runner records when it claims an execution. */
    String runnerName() {
        return heartbeats.runner();
    }

    /**
     * Keeps, from now on, the events this node appends for {@code executionId}: called before the execution is
     * requested, so that a run of it here ({@link #runAccepted}) can answer with them. When another caller keeps
     * them already (a concurrent twin of the request), what is returned keeps nothing.
     */
    Appended keepAppended(String executionId) {
        Appended appended = new Appended(executionId);
        appendedHere.putIfAbsent(executionId, appended);
        return appended;
    }

    private void keep(List<? extends EventMessage<?>> stored) {
        for (EventMessage<?> event : stored) {
            if (event instanceof DomainEventMessage<?> domain && domain.getAggregateIdentifier() != null) {
                Appended appended = appendedHere.get(domain.getAggregateIdentifier());
                if (appended != null) {
                    appended.add(domain);
                }
            }
        }
    }

    /**
     * Runs an execution that this node has just requested and claimed in one commit, in the lane of its tool and
     * API key. Returns at once; the outcome is recorded by the lane's thread.
     *
     * @param input    the input as given, secrets included (they never left this process)
     * @param appended the events kept since before the request ({@link #keepAppended})
     * @return completes once the run has ended and its outcome is recorded (or could not be), with the execution
     *         as the read would tell it then when this node's own events tell it whole (the request, the start,
     *         the steps and the outcome, without a gap), else empty: then it must be read; completing it does not
     *         affect the run
     */
    CompletableFuture<Optional<RecordedExecution>> runAccepted(String executionId, Tool tool, JsonNode input,
                                                               String apiKeyId, Appended appended) {
        CompletableFuture<Optional<RecordedExecution>> done = new CompletableFuture<>();
        runningHere.put(executionId, done);
        ToolRef ref = ToolRegistry.refOf(tool.descriptor());
        try {
            lanes.submit(ref.name(), apiKeyId, () -> {
                boolean recorded = false;
                try {
                    ToolContext context = new ToolContext(executionId, "opsplane-" + executionId, 1,
                            new RecordedSteps(executionId, Map.of()));
                    execute(executionId, ref, tool, input, context);
                    finishedHere.add(executionId);
                    recorded = true;
                } catch (RuntimeException e) {
                    // The lease lapses with this node, or the recovery path finds no outcome and claims it again.
                    log.warn("Could not record the outcome of execution {}; the recovery path will take it over: {}",
                            executionId, e.toString());
                } finally {
                    List<DomainEventMessage<?>> events = appended.stop();
                    vault.forget(executionId);
                    runningHere.remove(executionId);
                    done.complete(recorded ? toldByAppends(executionId, events) : Optional.empty());
                }
            });
        } catch (RuntimeException e) {
            appended.stop();
            runningHere.remove(executionId);
            done.complete(Optional.empty());
            throw e;
        }
        return done.copy();
    }

    /**
     * The execution as this node's appends tell it, when they tell it whole and with an outcome (a plan's is its
     * one event); else empty, and it must be read.
     */
    Optional<RecordedExecution> toldByAppends(String executionId, List<DomainEventMessage<?>> events) {
        try {
            return reader.fromAppended(executionId, events).filter(e -> e.view().status().isTerminal());
        } catch (RuntimeException e) {
            log.warn("Could not tell execution {} from the events this node appended; it is read instead: {}",
                    executionId, e.toString());
            return Optional.empty();
        }
    }

    @EventHandler
    void on(ExecutionRequestedEvent event) throws InterruptedException {
        String executionId = event.executionId();
        if (finishedHere.contains(executionId)) {
            return;
        }
        CompletableFuture<?> local = runningHere.get(executionId);
        if (local != null) {
            awaitLocal(local, event.tool());
            if (finishedHere.contains(executionId)) {
                return;
            }
        }
        Optional<RecordedExecution> current = reader.read(executionId);
        Instant giveUp = Instant.now().plusMillis(event.tool().timeoutMs()).plus(OUTCOME_GRACE);
        while (current.isPresent() && !current.get().view().status().isTerminal() && current.get().runner() != null
                && heartbeats.isAlive(current.get().runner()) && !runningHereEnded(executionId, current.get())
                && Instant.now().isBefore(giveUp)) {
            Thread.sleep(LEASE_RECHECK.toMillis());
            current = reader.read(executionId);
        }
        if (current.isEmpty() || current.get().view().status().isTerminal()) {
            return;
        }
        run(executionId, event.tool(), event.input());
    }

    /** This node's own runner is alive, but a run of it that is no longer in flight will record nothing more. */
    private boolean runningHereEnded(String executionId, RecordedExecution execution) {
        return runnerName().equals(execution.runner()) && !runningHere.containsKey(executionId);
    }

    private static void awaitLocal(CompletableFuture<?> local, ToolRef ref) throws InterruptedException {
        try {
            local.get(ref.timeoutMs() + OUTCOME_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // read below what was recorded
        }
    }

    /** A retry resumes the execution: the steps that already succeeded are skipped by {@link ToolContext#step}. */
    @EventHandler
    void on(ExecutionRetriedEvent event) {
        run(event.executionId(), event.tool(), event.input());
    }

    private void run(String executionId, ToolRef ref, Map<String, Object> recordedInput) {
        StartDecision decision = record(new StartExecutionCommand(executionId, runnerName()));
        if (decision != StartDecision.RUN) {
            vault.forget(executionId);
            return;
        }
        Optional<Tool> tool = registry.find(ref.name());
        if (tool.isEmpty()) {
            fail(executionId, "tool_unavailable", "tool " + ref.name() + " is no longer registered");
            return;
        }
        JsonNode recorded = ToolJson.MAPPER.valueToTree(recordedInput);
        Optional<Map<String, JsonNode>> secrets = vault.take(executionId);
        if (secrets.isEmpty() && hasRedactedSecrets(recorded, tool.get())) {
            fail(executionId, "secret_unavailable", "the secret inputs were held only by the node that accepted "
                    + "the request and are gone (restart or another node); submit the request again");
            return;
        }
        JsonNode input = SecretRedactor.restore(recorded, secrets.orElse(Map.of()));
        ToolContext context = new ToolContext(executionId, "opsplane-" + executionId, 1,
                new RecordedSteps(executionId, completedSteps(executionId)));
        execute(executionId, ref, tool.get(), input, context);
    }

    /** Runs the tool within its timeout and records the outcome. */
    private void execute(String executionId, ToolRef ref, Tool tool, JsonNode input, ToolContext context) {
        Future<Map<String, Object>> running = workers.submit(() -> tool.run(input, context));
        try {
            Map<String, Object> output = running.get(ref.timeoutMs(), TimeUnit.MILLISECONDS);
            record(new CompleteExecutionCommand(executionId, output));
        } catch (TimeoutException e) {
            running.cancel(true);
            fail(executionId, "timeout", "the tool did not finish within " + ref.timeoutMs() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ToolFailure failure) {
                fail(executionId, failure.code(), failure.getMessage());
            } else {
                // A message may quote an input; with secret inputs only the classes and stack frames are logged.
                log.error("Tool {} threw while running execution {}", ref.name(), executionId,
                        tool.descriptor().secretFields().isEmpty() ? cause : RedactedThrowable.of(cause));
                fail(executionId, "tool_error", "the tool failed unexpectedly (" + cause.getClass().getSimpleName() + ")");
            }
        } catch (InterruptedException e) {
            running.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + executionId + "; it will be redelivered", e);
        }
    }

    /**
     * Sends a command in a unit of work of its own, so that its events are stored when it returns: from a lane's
     * thread directly, from the processor's thread through another. A conflict on the aggregate's sequence (this
     * node's cached copy was stale: another node appended) evicted the copy, so the command is sent once more.
     */
    private <R> R record(Object command) {
        if (!CurrentUnitOfWork.isStarted()) {
            return sendReloadingOnConflict(command);
        }
        Future<R> sent = recorders.submit(() -> sendReloadingOnConflict(command));
        try {
            return sent.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording " + command.getClass().getSimpleName(), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("could not record " + command.getClass().getSimpleName(), e.getCause());
        }
    }

    private <R> R sendReloadingOnConflict(Object command) {
        try {
            return commands.sendAndWait(command);
        } catch (RuntimeException e) {
            if (!isConflict(e)) {
                throw e;
            }
            return commands.sendAndWait(command);
        }
    }

    private static boolean isConflict(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConcurrencyException) {
                return true;
            }
        }
        return false;
    }

    private Map<String, Map<String, Object>> completedSteps(String executionId) {
        Map<String, Map<String, Object>> completed = new HashMap<>();
        reader.read(executionId).map(e -> e.view().steps()).orElse(List.of()).stream()
                .filter(step -> step.status() == StepStatus.SUCCEEDED)
                .forEach(step -> completed.put(step.name(), step.output() == null ? Map.of() : step.output()));
        return completed;
    }

    /** Records each step as an event of the execution before the tool goes on. */
    private final class RecordedSteps implements ToolContext.StepLog {

        private final String executionId;
        private final Map<String, Map<String, Object>> completed;

        RecordedSteps(String executionId, Map<String, Map<String, Object>> completed) {
            this.executionId = executionId;
            this.completed = completed;
        }

        @Override
        public Optional<Map<String, Object>> completed(String step) {
            return Optional.ofNullable(completed.get(step));
        }

        @Override
        public void succeeded(String step, Map<String, Object> output) {
            record(new RecordStepSucceededCommand(executionId, step, output));
        }

        @Override
        public void failed(String step, ToolFailure failure) {
            record(new RecordStepFailedCommand(executionId, step, new ExecutionError(failure.code(), failure.getMessage())));
        }
    }

    private void fail(String executionId, String code, String message) {
        record(new FailExecutionCommand(executionId, new ExecutionError(code, message)));
    }

    private static boolean hasRedactedSecrets(JsonNode input, Tool tool) {
        return tool.descriptor().secretFields().stream()
                .anyMatch(field -> SecretRedactor.REDACTED.equals(input.at(field).asText(null)));
    }

    /** The events this node appends for one execution, in the order it appends them, while they are kept. */
    final class Appended {

        private final String executionId;
        private final List<DomainEventMessage<?>> events = new ArrayList<>();

        private Appended(String executionId) {
            this.executionId = executionId;
        }

        private synchronized void add(DomainEventMessage<?> event) {
            events.add(event);
        }

        /** Stops keeping them (nothing else stops it: call it once the execution is not run here, or has run). */
        synchronized List<DomainEventMessage<?>> stop() {
            appendedHere.remove(executionId, this);
            return List.copyOf(events);
        }
    }

    @PreDestroy
    void stop() {
        appendsSeen.cancel();
        workers.shutdown();
        recorders.shutdown();
    }
}
