package io.opsplane.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line's own answers: usage errors, connection problems and help, without an Opsplane. */
class CommandLineTest {

    private static final Map<String, String> KEYED = Map.of("OPSPLANE_KEY", "ops_secret_key_value");

    @Test
    void anUnknownVerbOrOptionIsAOneLineUsageError() {
        Run verb = Run.of(KEYED, "tolls");
        assertThat(verb.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(verb.err()).startsWith("opsplane: unknown command 'tolls'; did you mean tools")
                .endsWith("(see ./opsplane --help)\n");
        assertThat(verb.err().lines()).hasSize(1);

        Run option = Run.of(KEYED, "exec", "--bogus", "service.healthcheck");
        assertThat(option.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(option.err()).isEqualTo("opsplane: Unknown option: '--bogus' (see ./opsplane exec --help)\n");

        Run missing = Run.of(KEYED, "reject", "apr_1");
        assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err().lines()).hasSize(1).first().asString().contains("--comment");
    }

    @Test
    void withoutAnyKeyTheVerbSaysWhereItLooked(@TempDir Path dataDir) {
        Run run = Run.of(Map.of("OPSPLANE_DATA_DIR", dataDir.toString()), "tools");
        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("opsplane: no API key: set OPSPLANE_KEY, pass --key-file FILE, or run where "
                + dataDir.resolve("admin-key") + " is readable\n");
    }

    @Test
    void noServerAtTheUrlIsExitThree() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Run refused = Run.of(Map.of("OPSPLANE_KEY", "k", "OPSPLANE_URL", "http://127.0.0.1:" + port), "tools");
        assertThat(refused.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(refused.err()).isEqualTo("opsplane: cannot reach http://127.0.0.1:" + port + ": connection refused\n");

        Run malformed = Run.of(Map.of("OPSPLANE_KEY", "k", "OPSPLANE_URL", "localhost:8080"), "tools");
        assertThat(malformed.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(malformed.err()).contains("OPSPLANE_URL 'localhost:8080' is not an http:// or https:// URL");
    }

    @Test
    void aServerThatIsNotOpsplaneIsExitThreeAndTheKeyIsNeverPrinted() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] page = "<html>welcome</html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            Run run = Run.of(Map.of("OPSPLANE_KEY", "ops_secret_key_value", "OPSPLANE_URL", url), "executions");
            assertThat(run.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
            assertThat(run.err()).isEqualTo("opsplane: " + url + " answered /v1/executions with HTTP 200 (text/html),"
                    + " not with Opsplane's API: check OPSPLANE_URL\n");
            assertThat(run.out() + run.err()).doesNotContain("ops_secret_key_value");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anUnreadableKeyFileIsAUsageError(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("key"), "\n");
        Run run = Run.of(Map.of(), "tools", "--key-file", empty.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("opsplane: the key file " + empty + " is empty\n");
    }

    @Test
    void helpListsEveryVerbAndEachVerbHasItsOwn() {
        Run help = Run.of(Map.of(), "help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("tools", "plan", "exec", "executions", "execution", "events", "approvals",
                "approve", "reject", "execute-approved", "keys", "audit", "completion", "Exit codes");
        Run exec = Run.of(Map.of(), "exec", "--help");
        assertThat(exec.exitCode()).isZero();
        assertThat(exec.out()).contains("--idempotency-key", "--wait", "--input", "FIELD=VALUE");
        assertThat(Run.of(Map.of(), "keys", "issue", "--help").out()).contains("--principal", "--scope");
    }

    @Test
    void completionIsGeneratedForEveryVerbAndBothCommandNames() {
        Run run = Run.of(Map.of(), "completion");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("_complete_opsplane", "execute-approved", "--idempotency-key",
                "complete -F _complete_opsplane -o default ./opsplane");
    }
}
