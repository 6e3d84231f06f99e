package io.opsplane.command.execution;

import io.opsplane.api.execution.ExecutionFailedEvent;
import io.opsplane.api.execution.ExecutionSucceededEvent;
import io.opsplane.api.execution.ExecutionUnknownEvent;
import jakarta.annotation.PreDestroy;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lets a request wait for an execution's outcome without holding a thread: {@link #await} answers a future that
 * completes with the execution once it has an outcome, or as it stands when the wait has passed. Outcomes published
 * in this process wake the waiter at once (a subscribing processor); an outcome recorded by another node is seen by
 * re-reading the stream every {@link #POLL}. The re-reads run on a small pool of their own, so a thousand waiting
 * requests cost timers, not threads.
 */
@Component
@ProcessingGroup(ExecutionWaiter.PROCESSING_GROUP)
class ExecutionWaiter {

    static final String PROCESSING_GROUP = "execution-waiter";
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int READER_THREADS = 2;

    private final ExecutionReader reader;
    private final Map<String, CompletableFuture<Void>> signals = new ConcurrentHashMap<>();
    private final ThreadPoolTaskScheduler readers = new ThreadPoolTaskScheduler();

    ExecutionWaiter(ExecutionReader reader) {
        this.reader = reader;
        readers.setPoolSize(READER_THREADS);
        readers.setThreadNamePrefix("execution-waiter-");
        readers.setDaemon(true);
        readers.initialize();
    }

    /** The execution once it has an outcome, or as it stands when {@code wait} has passed. */
    CompletableFuture<Optional<RecordedExecution>> await(String executionId, Duration wait) {
        CompletableFuture<Optional<RecordedExecution>> answer = new CompletableFuture<>();
        look(executionId, Instant.now().plus(wait), answer);
        return answer;
    }

    private void look(String executionId, Instant deadline, CompletableFuture<Optional<RecordedExecution>> answer) {
        try {
            // The signal is registered before the read, so an outcome recorded in between still wakes this waiter.
            CompletableFuture<Void> signal = signals.computeIfAbsent(executionId, id -> new CompletableFuture<>());
            Optional<RecordedExecution> current = reader.read(executionId);
            Duration remaining = Duration.between(Instant.now(), deadline);
            if (current.isEmpty() || current.get().view().status().isTerminal() || remaining.isNegative()
                    || remaining.isZero()) {
                signals.remove(executionId, signal);
                answer.complete(current);
                return;
            }
            long sleepMs = Math.min(POLL.toMillis(), remaining.toMillis());
            AtomicBoolean once = new AtomicBoolean();
            Runnable again = () -> {
                if (once.compareAndSet(false, true)) {
                    readers.execute(() -> look(executionId, deadline, answer));
                }
            };
            ScheduledFuture<?> timer = readers.schedule(again, readers.getClock().instant().plusMillis(sleepMs));
            signal.thenRun(() -> {
                timer.cancel(false);
                again.run();
            });
        } catch (RuntimeException e) {
            answer.completeExceptionally(e);
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

    @PreDestroy
    void stop() {
        readers.shutdown();
    }
}
