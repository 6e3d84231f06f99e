package io.opsplane.command.execution;

import io.opsplane.api.execution.ExecutionFailedEvent;
import io.opsplane.api.execution.ExecutionSucceededEvent;
import io.opsplane.api.execution.ExecutionUnknownEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lets a request wait for an execution's outcome. Outcomes published in this process wake the
 * waiter at once (a subscribing processor); an outcome recorded by another node is seen by
 * re-reading the stream every {@link #POLL}.
 */
@Component
@ProcessingGroup(ExecutionWaiter.PROCESSING_GROUP)
class ExecutionWaiter {

    static final String PROCESSING_GROUP = "execution-waiter";
    private static final Duration POLL = Duration.ofMillis(200);

    private final ExecutionReader reader;
    private final Map<String, CompletableFuture<Void>> signals = new ConcurrentHashMap<>();

    ExecutionWaiter(ExecutionReader reader) {
        this.reader = reader;
    }

    /** The execution once it has an outcome, or as it stands when {@code wait} has passed. */
    Optional<RecordedExecution> await(String executionId, Duration wait) {
        Instant deadline = Instant.now().plus(wait);
        while (true) {
            CompletableFuture<Void> signal = signals.computeIfAbsent(executionId, id -> new CompletableFuture<>());
            try {
                Optional<RecordedExecution> current = reader.read(executionId);
                Duration remaining = Duration.between(Instant.now(), deadline);
                if (current.isEmpty() || current.get().view().status().isTerminal() || remaining.isNegative()
                        || remaining.isZero()) {
                    return current;
                }
                long sleepMs = Math.min(POLL.toMillis(), remaining.toMillis());
                signal.get(sleepMs, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // poll again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return reader.read(executionId);
            } finally {
                signals.remove(executionId, signal);
            }
        }
    }

    @EventHandler
    void on(ExecutionSucceededEvent event) {
        wake(event.executionId());
    }

    @EventHandler
    void on(ExecutionFailedEvent event) {
        wake(event.executionId());
    }

    @EventHandler
    void on(ExecutionUnknownEvent event) {
        wake(event.executionId());
    }

    private void wake(String executionId) {
        CompletableFuture<Void> signal = signals.remove(executionId);
        if (signal != null) {
            signal.complete(null);
        }
    }
}
