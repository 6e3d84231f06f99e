package io.opsplane.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The operators' command line, {@code ./opsplane VERB}: a client of any Opsplane's REST API. The launcher script hands
 * it every verb but {@code run}.
 */
@Command(name = "opsplane", mixinStandardHelpOptions = true, versionProvider = Opsplane.Version.class,
        usageHelpAutoWidth = true, sortOptions = false,
        description = "Talks to a running Opsplane at OPSPLANE_URL (default http://localhost:8080) with the API key"
                + " from --key-file, OPSPLANE_KEY or $OPSPLANE_DATA_DIR/admin-key (default ./data/admin-key).",
        subcommands = {CommandLine.HelpCommand.class, ToolsCommand.class, PlanCommand.class, ExecCommand.class,
                ExecutionsCommand.class, ExecutionCommand.class, EventsCommand.class, ApprovalsCommand.class,
                ApproveCommand.class, RejectCommand.class, ExecuteApprovedCommand.class, KeysCommand.class,
                AuditCommand.class, CompletionCommand.class},
        footerHeading = "%n",
        footer = {"Tables by default; --json prints the API's JSON exactly as it answered.",
                "Exit codes: 0 ok; 1 refused or failed (the problem's code and detail on stderr);",
                "2 usage error; 3 cannot reach the server; 4 pending approval.",
                "./opsplane VERB --help describes each verb; ./opsplane completion prints bash completion."})
public final class Opsplane implements Runnable {

    @Option(names = "--json", scope = CommandLine.ScopeType.INHERIT,
            description = "Print the API's JSON exactly as it answered instead of a table.")
    boolean json;

    @Option(names = "--key-file", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "Read the API key from FILE (instead of OPSPLANE_KEY or $OPSPLANE_DATA_DIR/admin-key).")
    Path keyFile;

    @Spec
    CommandSpec spec;

    private final Terminal terminal;
    private final ObjectMapper mapper = new ObjectMapper();
    private Api api;

    private Opsplane(Terminal terminal) {
        this.terminal = terminal;
    }

    public static void main(String[] arguments) {
        System.exit(run(arguments, Terminal.system()));
    }

    /**
     * Runs one command line in this JVM, as {@code ./opsplane} would run it, and answers its exit code: for tests and
     * for embedding. {@code environment} stands for the process environment (OPSPLANE_URL, OPSPLANE_KEY, ...); no
     * progress line is shown.
     */
    public static int run(String[] arguments, Map<String, String> environment, InputStream in, PrintStream out,
                          PrintStream err) {
        return run(arguments, new Terminal(Map.copyOf(environment), in, out, err, false));
    }

    static int run(String[] arguments, Terminal terminal) {
        return commandLine(terminal).execute(arguments);
    }

    static CommandLine commandLine(Terminal terminal) {
        CommandLine commandLine = new CommandLine(new Opsplane(terminal));
        commandLine.setOut(new PrintWriter(terminal.out(), true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(terminal.err(), true, StandardCharsets.UTF_8));
        commandLine.setParameterExceptionHandler((problem, arguments) -> {
            CommandLine verb = problem.getCommandLine();
            String name = verb.getCommandSpec().qualifiedName(" ").replaceFirst("^opsplane", "./opsplane");
            String message = oneLine(problem.getMessage());
            if (problem instanceof CommandLine.UnmatchedArgumentException unmatched && !verb.getSubcommands().isEmpty()
                    && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
                message = "unknown command '" + unmatched.getUnmatched().get(0) + "'"
                        + (unmatched.getSuggestions().isEmpty() ? ""
                        : "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?");
            }
            terminal.err().println("opsplane: " + message + " (see " + name + " --help)");
            return ExitCode.USAGE;
        });
        commandLine.setExecutionExceptionHandler((problem, verb, parseResult) -> {
            if (problem instanceof Failure failure) {
                terminal.err().println("opsplane: " + failure.getMessage());
                return failure.exitCode();
            }
            terminal.err().println("opsplane: unexpected error: " + oneLine(String.valueOf(problem)));
            return ExitCode.FAILED;
        });
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    Terminal terminal() {
        return terminal;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    boolean json() {
        return json;
    }

    /** The API at OPSPLANE_URL; the key is read only when a request is sent. */
    Api api() {
        if (api == null) {
            Credential[] credential = new Credential[1];
            api = new Api(Api.baseUrl(terminal), () -> {
                if (credential[0] == null) {
                    credential[0] = Credential.resolve(keyFile, terminal);
                }
                return credential[0];
            }, mapper);
        }
        return api;
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    static final class Version implements CommandLine.IVersionProvider {

        @Override
        public String[] getVersion() {
            String version = Opsplane.class.getPackage().getImplementationVersion();
            return new String[]{"opsplane command line " + (version == null ? "(development build)" : version)};
        }
    }
}
