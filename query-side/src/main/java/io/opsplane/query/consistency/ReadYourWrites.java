package io.opsplane.query.consistency;

import io.opsplane.platform.problem.ApiException;
import io.opsplane.query.config.QueryProperties;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Lets a client read its own write: a read carrying {@code minPosition} waits until the projection
 * serving it has handled that position, or answers {@code 503 projection_behind}.
 */
@Component
public class ReadYourWrites {

    private final ProjectionProgress progress;
    private final Duration maxWait;
    private final Duration pollInterval;

    ReadYourWrites(ProjectionProgress progress, QueryProperties properties) {
        this.progress = progress;
        this.maxWait = properties.minPositionMaxWait();
        this.pollInterval = properties.minPositionPollInterval();
    }

    /** Returns once {@code projection} has handled {@code minPosition}; at once when none is given. */
    public void await(String projection, OptionalLong minPosition) {
        if (minPosition.isEmpty()) {
            return;
        }
        long wanted = minPosition.getAsLong();
        long deadline = System.nanoTime() + maxWait.toNanos();
        long reached = progress.processedPosition(projection);
        while (reached < wanted) {
            if (System.nanoTime() - deadline >= 0) {
                throw new ApiException(503, "projection_behind", "Projection behind",
                        "the " + projection + " projection has not yet reached position " + wanted
                                + " (it is at " + reached + "); retry shortly",
                        Map.of("minPosition", wanted, "position", reached), Map.of("Retry-After", "1"));
            }
            sleep();
            reached = progress.processedPosition(projection);
        }
    }

    private void sleep() {
        try {
            Thread.sleep(pollInterval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "projection_behind", "Projection behind",
                    "the read was interrupted while waiting for the projection", Map.of(), Map.of("Retry-After", "1"));
        }
    }
}
