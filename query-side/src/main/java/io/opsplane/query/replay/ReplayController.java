package io.opsplane.query.replay;

import io.opsplane.api.apikey.Scope;
import io.opsplane.platform.auth.RequiresScope;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.platform.problem.FieldError;
import io.opsplane.platform.problem.InvalidInputException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code /v1/admin/replay}: rebuild read models from the event store while the current ones keep serving. */
@RestController
@RequestMapping(path = "/v1/admin/replay", produces = MediaType.APPLICATION_JSON_VALUE)
class ReplayController {

    private final ReplayService replays;

    ReplayController(ReplayService replays) {
        this.replays = replays;
    }

    @PostMapping
    @RequiresScope(Scope.ADMIN)
    ResponseEntity<ReplayView> start(@RequestBody(required = false) ReplayRequest request) {
        List<String> models = request == null || request.projections() == null ? List.of() : request.projections();
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            if (models.get(i) == null || !replays.models().contains(models.get(i))) {
                errors.add(new FieldError("/projections/" + i, "unknown projection; one of " + replays.models()));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        ReplayRun run = replays.start(new ArrayList<>(models.stream().distinct().toList()));
        if (run == null) {
            throw new ApiException(409, "replay_in_progress", "Replay in progress",
                    "a replay is still running; follow it at GET /v1/admin/replay");
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).header("Location", "/v1/admin/replay").body(view(run));
    }

    @GetMapping
    @RequiresScope(Scope.ADMIN)
    ReplayView progress() {
        ReplayRun run = replays.current();
        return run == null ? new ReplayView("idle", List.of()) : view(run);
    }

    private static ReplayView view(ReplayRun run) {
        List<ProjectionView> projections = new ArrayList<>();
        run.statuses().forEach((model, status) -> {
            long position = run.position(model);
            long head = run.headPosition();
            double percent = head < 0 ? 100.0 : Math.min(100.0, Math.max(0, position + 1) * 100.0 / (head + 1));
            projections.add(new ProjectionView(model, status.name().toLowerCase(Locale.ROOT), position, head,
                    Math.round(percent * 10) / 10.0));
        });
        return new ReplayView(run.status(), projections);
    }

    /** The body of a replay request: the read models to rebuild, every one when absent. */
    record ReplayRequest(List<String> projections) {
    }

    record ReplayView(String status, List<ProjectionView> projections) {
    }

    record ProjectionView(String name, String status, long position, long headPosition, double percent) {
    }
}
