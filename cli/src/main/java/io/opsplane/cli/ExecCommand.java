package io.opsplane.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "exec", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Execute a tool and show its outcome.",
                "Exit code 0 when it succeeded, 1 when it was refused, failed or is still running after --wait,"
                        + " 4 when it waits for approval (the request id and how to follow it are printed)."})
final class ExecCommand extends Verb {

    @Mixin
    ToolCall call;

    @Mixin
    Waiting waiting;

    @Override
    int execute() {
        return waiting.run(this, call.tool, "/v1/executions", call.body(this, "execute"), call.headers());
    }
}
