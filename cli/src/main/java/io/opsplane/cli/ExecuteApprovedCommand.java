package io.opsplane.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;

@Command(name = "execute-approved", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run an approved request once, with exactly the input that was approved.",
                "Exit code 0 when it succeeded, 1 when it was refused or failed."})
final class ExecuteApprovedCommand extends Verb {

    @Parameters(index = "0", paramLabel = "ID", description = "The approval request.")
    String id;

    @Option(names = "--input", paramLabel = "FILE|-", required = true,
            description = "The approved input as a JSON object, from FILE or stdin (-); secrets included.")
    String inputFile;

    @Mixin
    Waiting waiting;

    @Override
    int execute() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("input", InputFile.read(inputFile, terminal(), mapper()));
        return waiting.run(this, "approved request " + id, "/v1/approval-requests/" + Api.segment(id) + "/execute",
                body, Map.of());
    }
}
