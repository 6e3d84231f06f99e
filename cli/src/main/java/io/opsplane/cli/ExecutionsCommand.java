package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "executions", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List executions and plans, newest first, one page at a time.")
final class ExecutionsCommand extends Verb {

    @Option(names = "--tool", paramLabel = "NAME", description = "Only this tool.")
    String tool;

    @Option(names = "--status", paramLabel = "STATUS",
            description = "Only this status: planned, pending_approval, running, succeeded, failed, unknown.")
    String status;

    @Option(names = "--mode", paramLabel = "MODE", description = "Only execute or plan.")
    String mode;

    @Option(names = "--actor", paramLabel = "PRINCIPAL", description = "Only this actor.")
    String actor;

    @Option(names = "--since", paramLabel = "INSTANT", description = "Created at or after (ISO-8601).")
    String since;

    @Option(names = "--until", paramLabel = "INSTANT", description = "Created before (ISO-8601).")
    String until;

    @Mixin
    Paging paging;

    @Override
    int execute() {
        JsonNode page = answer(api().expect(api().get(Api.query("/v1/executions", Api.parameters("tool", tool,
                "status", status, "mode", mode, "actor", actor, "since", since, "until", until, "limit", paging.limit,
                "cursor", paging.cursor))), 200));
        if (!json()) {
            Table table = Table.of("ID", "TOOL", "MODE", "STATUS", "ACTOR", "CREATED", "DURATION");
            page.path("items").forEach(execution -> table.row(execution.path("executionId").asText(),
                    execution.path("tool").asText(), execution.path("mode").asText(), execution.path("status").asText(),
                    Views.actor(execution.get("actor")), Views.time(execution.get("createdAt")),
                    Views.duration(execution.get("durationMs"))));
            Pages.print(this, table, page, "executions");
        }
        return ExitCode.OK;
    }
}
