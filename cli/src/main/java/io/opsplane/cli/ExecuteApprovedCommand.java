package io.opsplane.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
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

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for the outcome (default ${DEFAULT-VALUE}); 0 returns at once.")
    int waitSeconds;

    @Override
    int execute() {
        if (waitSeconds < 0) {
            throw Failure.usage("--wait takes seconds from 0 on, not " + waitSeconds);
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("input", InputFile.read(inputFile, terminal(), mapper()));
        long started = System.nanoTime();
        int serverWait = Outcome.serverWait(waitSeconds);
        Api.Response answer = Outcome.submit(this, "approved request " + id, () -> api().send("POST",
                Api.query("/v1/approval-requests/" + Api.segment(id) + "/execute", Map.of("wait", serverWait)),
                body, Map.of(), Outcome.timeout(serverWait)));
        return Outcome.report(this, answer, waitSeconds, started);
    }
}
