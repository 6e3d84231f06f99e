package io.opsplane.query.consistency;

import io.opsplane.platform.problem.ApiException;
import io.opsplane.query.config.QueryProperties;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Lets a client read its own write: a read carrying {@code minPosition} is answered once the
 * projection serving it has handled that position, or with {@code 503 projection_behind} after
 * {@code minPositionMaxWait}.
 *
 * <p>Waiting holds no server thread: a read that has to wait is answered asynchronously (the
 * controller returns the future), its projection's progress is looked at by one scheduler thread
 * every {@code minPositionPollInterval}, and the read itself then runs on a small pool. A read whose
 * position is reached already, or that names none, runs at once on the request's thread.
 */
@Component
public class ReadYourWrites implements DisposableBean {

    private static final int READ_THREADS = 4;

    private final ProjectionProgress progress;
    private final Duration maxWait;
    private final Duration pollInterval;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private final ThreadPoolTaskExecutor reads = new ThreadPoolTaskExecutor();

    ReadYourWrites(ProjectionProgress progress, QueryProperties properties) {
        this.progress = progress;
        this.maxWait = properties.minPositionMaxWait();
        this.pollInterval = properties.minPositionPollInterval();
        scheduler.setPoolSize(1);
        scheduler.setThreadNamePrefix("read-your-writes-");
        scheduler.initialize();
        reads.setCorePoolSize(READ_THREADS);
        reads.setMaxPoolSize(READ_THREADS);
        reads.setThreadNamePrefix("read-your-writes-read-");
        reads.initialize();
    }

    /**
     * {@code read}'s answer once {@code projection} has handled {@code minPosition}; at once when none
     * is given or the projection is there already. The future fails with the read's own exception, or
     * with {@code 503 projection_behind} when the projection does not get there in time.
     */
    public <T> CompletableFuture<T> then(String projection, OptionalLong minPosition, Supplier<T> read) {
        if (minPosition.isEmpty() || progress.processedPosition(projection) >= minPosition.getAsLong()) {
            return run(read);
        }
        long wanted = minPosition.getAsLong();
        long deadline = System.nanoTime() + maxWait.toNanos();
        CompletableFuture<T> answer = new CompletableFuture<>();
        AtomicReference<ScheduledFuture<?>> polling = new AtomicReference<>();
        polling.set(scheduler.scheduleWithFixedDelay(() -> {
            if (answer.isDone()) {
                stop(polling);
                return;
            }
            long reached = progress.processedPosition(projection);
            if (reached >= wanted) {
                stop(polling);
                reads.execute(() -> complete(answer, read));
            } else if (System.nanoTime() - deadline >= 0) {
                stop(polling);
                answer.completeExceptionally(behind(projection, wanted, reached));
            }
        }, Instant.now().plus(pollInterval), pollInterval));
        return answer;
    }

    /** Once the answer is decided; a first tick before the schedule was set is harmless: the next one stops. */
    private static void stop(AtomicReference<ScheduledFuture<?>> polling) {
        ScheduledFuture<?> scheduled = polling.get();
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }

    private static <T> CompletableFuture<T> run(Supplier<T> read) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        complete(answer, read);
        return answer;
    }

    private static <T> void complete(CompletableFuture<T> answer, Supplier<T> read) {
        try {
            answer.complete(read.get());
        } catch (RuntimeException e) {
            answer.completeExceptionally(e);
        }
    }

    private static ApiException behind(String projection, long wanted, long reached) {
        return new ApiException(503, "projection_behind", "Projection behind",
                "the " + projection + " projection has not yet reached position " + wanted
                        + " (it is at " + reached + "); retry shortly",
                Map.of("minPosition", wanted, "position", reached), Map.of("Retry-After", "1"));
    }

    @Override
    public void destroy() {
        scheduler.shutdown();
        reads.shutdown();
    }
}
