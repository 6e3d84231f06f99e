package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "execution", mixinStandardHelpOptions = true,
        description = "Show one execution or plan with its steps and its timeline of events.")
final class ExecutionCommand extends Verb {

    @Parameters(index = "0", paramLabel = "ID", description = "The execution id.")
    String id;

    @Override
    int execute() {
        JsonNode execution = answer(api().expect(api().get("/v1/executions/" + Api.segment(id)), 200));
        if (!json()) {
            Views.execution(out(), execution);
        }
        return ExitCode.OK;
    }
}
