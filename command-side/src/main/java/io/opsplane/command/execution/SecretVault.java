package io.opsplane.command.execution;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Holds the secret inputs of accepted executions in memory, between the request and the run,
 * because secrets are never written to the store. Entries are taken once and forgotten after
 * {@link #RETENTION}. Consequence, by design: a run that happens on another node, or after a
 * restart, has no secrets and fails with {@code secret_unavailable}.
 */
@Component
class SecretVault {

    static final Duration RETENTION = Duration.ofMinutes(15);

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;

    SecretVault(Clock clock) {
        this.clock = clock;
    }

    /** Stores the secrets unless some are already held for the execution; returns whether it stored. */
    boolean putIfAbsent(String executionId, Map<String, JsonNode> secrets) {
        evictExpired();
        if (secrets.isEmpty()) {
            return false;
        }
        return entries.putIfAbsent(executionId, new Entry(Map.copyOf(secrets), clock.instant())) == null;
    }

    Optional<Map<String, JsonNode>> take(String executionId) {
        Entry entry = entries.remove(executionId);
        return Optional.ofNullable(entry).map(Entry::secrets);
    }

    void forget(String executionId) {
        entries.remove(executionId);
    }

    private void evictExpired() {
        Instant cutoff = clock.instant().minus(RETENTION);
        entries.values().removeIf(entry -> entry.storedAt().isBefore(cutoff));
    }

    private record Entry(Map<String, JsonNode> secrets, Instant storedAt) {
    }
}
