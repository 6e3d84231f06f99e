package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Show what a tool would do with this input, touching nothing (recorded in the audit log).")
final class PlanCommand extends Verb {

    @Mixin
    ToolCall call;

    @Override
    int execute() {
        JsonNode plan = answer(api().expect(api().send("POST", "/v1/executions", call.body(this, "plan"),
                call.headers(), Api.DEFAULT_TIMEOUT), 200));
        if (!json()) {
            out().println("Plan " + plan.path("executionId").asText() + "  " + plan.path("tool").asText() + " "
                    + plan.path("toolVersion").asText());
            Views.plan(out(), plan.path("plan"));
            Views.field(out(), "position", plan.path("position").asText("-"));
        }
        return ExitCode.OK;
    }
}
