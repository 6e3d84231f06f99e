package io.opsplane.query.support;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.execution.ExecutionError;
import io.opsplane.api.execution.ExecutionFailedEvent;
import io.opsplane.api.execution.ExecutionPlannedEvent;
import io.opsplane.api.execution.ExecutionRequestedEvent;
import io.opsplane.api.execution.ExecutionStartedEvent;
import io.opsplane.api.execution.ExecutionStepSucceededEvent;
import io.opsplane.api.execution.ExecutionSucceededEvent;
import io.opsplane.api.execution.Plan;
import io.opsplane.api.execution.ToolRef;

import java.util.List;
import java.util.Map;

/** Execution events as the command side records them, for seeding projections in tests. */
public final class ExecutionEvents {

    public static final Actor ALICE = new Actor("key-alice", "alice@example.com", ActorKind.HUMAN, null);
    public static final Actor DEPLOY_BOT = new Actor("key-bot", "agent:deploy-bot", ActorKind.AGENT, "alice@example.com");

    private ExecutionEvents() {
    }

    public static ToolRef tool(String name) {
        return new ToolRef(name, "1.0.0", "sha256:schema", true, 10_000);
    }

    /** An input whose keys MongoDB would refuse as field names. */
    public static Map<String, Object> awkwardInput() {
        return Map.of("url", "https://status.example.com", "headers", Map.of("x.trace", "1", "$ref", "#/a"));
    }

    public static ExecutionRequestedEvent requested(String executionId, String tool, Actor actor) {
        return new ExecutionRequestedEvent(executionId, tool(tool), awkwardInput(), "routine check", actor,
                "idem-" + executionId, "sha256:request", null);
    }

    public static ExecutionPlannedEvent planned(String executionId, String tool, Actor actor) {
        Plan plan = new Plan(List.of(new Effect("http.get", "https://status.example.com", "reads the status page",
                Map.of())), "sha256:plan");
        return new ExecutionPlannedEvent(executionId, tool(tool), awkwardInput(), "what would it do", actor, null,
                "sha256:request", plan);
    }

    public static ExecutionStartedEvent started(String executionId) {
        return new ExecutionStartedEvent(executionId, "runner-1", 1);
    }

    public static ExecutionStepSucceededEvent stepSucceeded(String executionId, String step) {
        return new ExecutionStepSucceededEvent(executionId, step, Map.of("ok", true));
    }

    public static ExecutionSucceededEvent succeeded(String executionId) {
        return new ExecutionSucceededEvent(executionId, Map.of("status", 200, "body.size", 12), 42);
    }

    public static ExecutionFailedEvent failed(String executionId) {
        return new ExecutionFailedEvent(executionId, new ExecutionError("unexpected_status", "got 503"), 17);
    }
}
