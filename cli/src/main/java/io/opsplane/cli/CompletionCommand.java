package io.opsplane.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a bash (and zsh) completion script for every verb and option, generated from this"
                + " command line.", "Load it with: source <(./opsplane completion)"})
final class CompletionCommand extends Verb {

    @Override
    int execute() {
        String script = AutoComplete.bash("opsplane", spec.root().commandLine());
        out().print(script);
        // The generated script completes the command name `opsplane`; the launcher is usually typed as ./opsplane.
        out().println("complete -F _complete_opsplane -o default ./opsplane");
        return ExitCode.OK;
    }
}
