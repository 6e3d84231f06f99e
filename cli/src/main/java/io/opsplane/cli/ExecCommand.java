package io.opsplane.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;

@Command(name = "exec", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Execute a tool and show its outcome.",
                "Exit code 0 when it succeeded, 1 when it was refused, failed or is still running after --wait,"
                        + " 4 when it waits for approval (the request id and how to follow it are printed)."})
final class ExecCommand extends Verb {

    @Mixin
    ToolCall call;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for the outcome (default ${DEFAULT-VALUE}); 0 returns at once.")
    int waitSeconds;

    @Override
    int execute() {
        if (waitSeconds < 0) {
            throw Failure.usage("--wait takes seconds from 0 on, not " + waitSeconds);
        }
        long started = System.nanoTime();
        int serverWait = Outcome.serverWait(waitSeconds);
        ObjectNode body = call.body(this, "execute");
        Api.Response answer = Outcome.submit(this, call.tool, () -> api().send("POST",
                Api.query("/v1/executions", Map.of("wait", serverWait)), body, call.headers(), Outcome.timeout(serverWait)));
        return Outcome.report(this, answer, waitSeconds, started);
    }
}
