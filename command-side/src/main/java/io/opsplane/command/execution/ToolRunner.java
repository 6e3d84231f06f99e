package io.opsplane.command.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsplane.api.execution.CompleteExecutionCommand;
import io.opsplane.api.execution.ExecutionError;
import io.opsplane.api.execution.ExecutionRequestedEvent;
import io.opsplane.api.execution.ExecutionRetriedEvent;
import io.opsplane.api.execution.FailExecutionCommand;
import io.opsplane.api.execution.RecordStepFailedCommand;
import io.opsplane.api.execution.RecordStepSucceededCommand;
import io.opsplane.api.execution.StartDecision;
import io.opsplane.api.execution.StartExecutionCommand;
import io.opsplane.api.execution.StepStatus;
import io.opsplane.api.execution.ToolRef;
import io.opsplane.command.tool.SecretRedactor;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolContext;
import io.opsplane.command.tool.ToolFailure;
import io.opsplane.command.tool.ToolRegistry;
import jakarta.annotation.PreDestroy;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs requested tools, outside any aggregate. It reacts to {@link ExecutionRequestedEvent} (and
 * to {@link ExecutionRetriedEvent}) in a streaming processor whose token only moves on after the
 * outcome is recorded, so an execution interrupted by a crash is delivered again on restart (or to
 * another node) and {@link StartExecutionCommand} decides whether it may run again.
 *
 * <p>Every command about the execution is sent from a thread of its own, never from the
 * processor's thread: a command sent inside the processor's unit of work would be nested in it,
 * and its events stored only when the whole event has been handled. The start must be stored
 * before the tool acts, or a crash mid-run leaves no trace that it started and the tool runs
 * twice; each step must be stored when it ends, so a failure records exactly what was done.
 */
@Component
@ProcessingGroup(ToolRunner.PROCESSING_GROUP)
class ToolRunner {

    static final String PROCESSING_GROUP = "tool-runner";
    private static final Logger log = LoggerFactory.getLogger(ToolRunner.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommandGateway commands;
    private final ToolRegistry registry;
    private final SecretVault vault;
    private final ExecutionReader reader;
    private final ExecutorService workers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "tool-worker");
        thread.setDaemon(true);
        return thread;
    });
    private final ExecutorService recorders = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "tool-recorder");
        thread.setDaemon(true);
        return thread;
    });
    private final String runnerName = ManagementFactory.getRuntimeMXBean().getName();

    ToolRunner(CommandGateway commands, ToolRegistry registry, SecretVault vault, ExecutionReader reader) {
        this.commands = commands;
        this.registry = registry;
        this.vault = vault;
        this.reader = reader;
    }

    @EventHandler
    void on(ExecutionRequestedEvent event) {
        run(event.executionId(), event.tool(), event.input());
    }

    /** A retry resumes the execution: the steps that already succeeded are skipped by {@link ToolContext#step}. */
    @EventHandler
    void on(ExecutionRetriedEvent event) {
        run(event.executionId(), event.tool(), event.input());
    }

    private void run(String executionId, ToolRef ref, Map<String, Object> recordedInput) {
        StartDecision decision = record(new StartExecutionCommand(executionId, runnerName));
        if (decision != StartDecision.RUN) {
            vault.forget(executionId);
            return;
        }
        Optional<Tool> tool = registry.find(ref.name());
        if (tool.isEmpty()) {
            fail(executionId, "tool_unavailable", "tool " + ref.name() + " is no longer registered");
            return;
        }
        JsonNode recorded = JSON.valueToTree(recordedInput);
        Optional<Map<String, JsonNode>> secrets = vault.take(executionId);
        if (secrets.isEmpty() && hasRedactedSecrets(recorded, tool.get())) {
            fail(executionId, "secret_unavailable", "the secret inputs were held only by the node that accepted "
                    + "the request and are gone (restart or another node); submit the request again");
            return;
        }
        JsonNode input = SecretRedactor.restore(recorded, secrets.orElse(Map.of()));
        ToolContext context = new ToolContext(executionId, "opsplane-" + executionId, 1,
                new RecordedSteps(executionId, completedSteps(executionId)));
        Future<Map<String, Object>> running = workers.submit(() -> tool.get().run(input, context));
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
                        tool.get().descriptor().secretFields().isEmpty() ? cause : RedactedThrowable.of(cause));
                fail(executionId, "tool_error", "the tool failed unexpectedly (" + cause.getClass().getSimpleName() + ")");
            }
        } catch (InterruptedException e) {
            running.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + executionId + "; it will be redelivered", e);
        }
    }

    /** Sends a command in a unit of work of its own, so that its events are stored when it returns. */
    private <R> R record(Object command) {
        Future<R> sent = recorders.submit(() -> commands.sendAndWait(command));
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

    @PreDestroy
    void stop() {
        workers.shutdownNow();
        recorders.shutdownNow();
    }
}
