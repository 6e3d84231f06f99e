package io.opsplane.command.approval;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Which approval requests this process is executing right now, counted per request. */
final class LocalExecutions {

    private final Map<String, Integer> running = new HashMap<>();

    synchronized void begin(String requestId) {
        running.merge(requestId, 1, Integer::sum);
    }

    synchronized void end(String requestId) {
        running.computeIfPresent(requestId, (id, count) -> count == 1 ? null : count - 1);
        notifyAll();
    }

    /** Returns whether none is running any more; false when {@code max} passed first. */
    synchronized boolean awaitNone(String requestId, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (running.containsKey(requestId)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
