package io.opsplane.platform.fairness;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** How many of something each key holds right now; a key holding nothing has no entry. */
final class KeyCounters {

    private final ConcurrentMap<String, Integer> held = new ConcurrentHashMap<>();

    /** Takes one for {@code key} unless it already holds {@code limit}. */
    boolean tryAcquire(String key, int limit) {
        boolean[] acquired = {false};
        held.compute(key, (k, count) -> {
            int current = count == null ? 0 : count;
            if (current >= limit) {
                return count;
            }
            acquired[0] = true;
            return current + 1;
        });
        return acquired[0];
    }

    void release(String key) {
        held.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
    }

    int held(String key) {
        return held.getOrDefault(key, 0);
    }
}
