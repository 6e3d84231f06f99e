package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "approvals", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List approval requests, or show one with its plan, approvals and state.",
                "Newest first; with --pending, the approver's inbox: soonest expiry first."})
final class ApprovalsCommand extends Verb {

    @Parameters(arity = "0..1", paramLabel = "ID", description = "The request to show.")
    String id;

    @Option(names = "--pending", description = "Only requests waiting for a decision.")
    boolean pending;

    @Option(names = "--status", paramLabel = "STATUS",
            description = "Only this status: pending, approved, rejected, cancelled, expired, executed.")
    String status;

    @Option(names = "--tool", paramLabel = "NAME", description = "Only this tool.")
    String tool;

    @Mixin
    Paging paging;

    @Override
    int execute() {
        if (id != null) {
            JsonNode request = answer(api().expect(api().get("/v1/approval-requests/" + Api.segment(id)), 200));
            if (!json()) {
                Views.approvalRequest(out(), request);
            }
            return ExitCode.OK;
        }
        if (pending && status != null && !status.equals("pending")) {
            throw Failure.usage("--pending and --status " + status + " contradict each other");
        }
        JsonNode page = answer(api().expect(api().get(Api.query("/v1/approval-requests", Api.parameters(
                "status", pending ? "pending" : status, "tool", tool, "limit", paging.limit, "cursor", paging.cursor))), 200));
        if (!json()) {
            Table table = Table.of("ID", "TOOL", "STATUS", "APPROVALS", "REQUESTED BY", "REASON", "EXPIRES");
            page.path("items").forEach(request -> table.row(request.path("id").asText(), request.path("tool").asText(),
                    request.path("status").asText(),
                    request.path("approvals").size() + "/" + request.path("minApprovals").asText("?"),
                    Views.actor(request.get("requestedBy")), request.path("reason").asText(""),
                    Views.time(request.get("expiresAt"))));
            Pages.print(this, table, page, "approval requests");
        }
        return ExitCode.OK;
    }
}
