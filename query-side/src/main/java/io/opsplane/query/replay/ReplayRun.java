package io.opsplane.query.replay;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The progress of one replay, as {@code GET /v1/admin/replay} shows it. */
final class ReplayRun {

    enum Status { PENDING, RUNNING, COMPLETED, FAILED }

    private final List<String> models;
    private final long headPosition;
    private final Map<String, Status> statuses = new LinkedHashMap<>();
    private final Map<String, Long> positions = new LinkedHashMap<>();
    private volatile boolean failed;

    ReplayRun(List<String> models, long headPosition) {
        this.models = List.copyOf(models);
        this.headPosition = headPosition;
        models.forEach(model -> {
            statuses.put(model, Status.PENDING);
            positions.put(model, -1L);
        });
    }

    List<String> models() {
        return models;
    }

    long headPosition() {
        return headPosition;
    }

    synchronized void status(String model, Status status) {
        statuses.put(model, status);
    }

    synchronized void position(String model, long position) {
        positions.put(model, position);
    }

    void failed() {
        failed = true;
    }

    synchronized boolean running() {
        return !failed && statuses.values().stream().anyMatch(s -> s == Status.PENDING || s == Status.RUNNING);
    }

    /** {@code idle} is never a run's status; the controller answers it before the first run. */
    synchronized String status() {
        if (failed) {
            return "failed";
        }
        return running() ? "running" : "completed";
    }

    synchronized Map<String, Status> statuses() {
        return new LinkedHashMap<>(statuses);
    }

    synchronized long position(String model) {
        return statuses.get(model) == Status.COMPLETED ? Math.max(positions.get(model), headPosition)
                : positions.get(model);
    }
}
