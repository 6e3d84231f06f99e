package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a pending request, saying why.")
final class RejectCommand extends Verb {

    @Parameters(index = "0", paramLabel = "ID", description = "The approval request.")
    String id;

    @Option(names = {"--comment", "--reason"}, paramLabel = "TEXT", required = true,
            description = "Why it is rejected (recorded as the rejection's reason).")
    String comment;

    @Override
    int execute() {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("reason", comment);
        JsonNode request = answer(api().expect(api().post("/v1/approval-requests/" + Api.segment(id) + "/reject", body), 200));
        if (!json()) {
            Views.approvalRequest(out(), request);
        }
        return ExitCode.OK;
    }
}
