package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "approve", mixinStandardHelpOptions = true,
        description = "Approve a pending request; it stays pending until its quorum is reached.")
final class ApproveCommand extends Verb {

    @Parameters(index = "0", paramLabel = "ID", description = "The approval request.")
    String id;

    @Option(names = "--comment", paramLabel = "TEXT", description = "Recorded with the approval.")
    String comment;

    @Override
    int execute() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (comment != null) {
            body.put("comment", comment);
        }
        JsonNode request = answer(api().expect(api().post("/v1/approval-requests/" + Api.segment(id) + "/approve", body), 200));
        if (!json()) {
            Views.approvalRequest(out(), request);
        }
        return ExitCode.OK;
    }
}
