package io.opsplane.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.opsplane.cli.Opsplane;
import io.opsplane.eventstore.audit.ExportVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./opsplane VERB} against the whole running system through its single base URL: every verb, its table and its
 * {@code --json}, and the documented exit codes for refusals, failures, pending approvals and bad keys.
 */
class CommandLineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger GRANTS = new AtomicInteger();

    @TempDir
    static Path dataDir;
    @TempDir
    static Path workDir;

    private static HttpServer application;
    private static RunningSystem system;
    private static Map<String, String> admin;

    @BeforeAll
    static void start() throws Exception {
        application = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        application.setExecutor(Executors.newCachedThreadPool());
        application.createContext("/slow", exchange -> {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        application.createContext("/credits", exchange -> {
            GRANTS.incrementAndGet();
            byte[] body = "{\"granted\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        application.start();
        Path tools = Files.writeString(workDir.resolve("tools.yml"), """
                tools:
                  - name: app.credits.grant
                    description: Grants credits to a tenant of our application
                    riskLevel: medium
                    idempotent: true
                    approval:
                      rules:
                        - {field: /credits, op: gt, value: 1000, minApprovals: 1}
                    inputSchema:
                      type: object
                      additionalProperties: false
                      required: [tenant, credits]
                      properties:
                        tenant: {type: string, pattern: "^[a-z0-9-]+$"}
                        credits: {type: integer, minimum: 1}
                    request: {method: POST, url: "http://127.0.0.1:%d/credits/{{input.tenant}}",
                              body: {credits: "{{input.credits}}"}}
                """.formatted(application.getAddress().getPort()));
        system = RunningSystem.start(dataDir, "--opsplane.tools.file=" + tools);
        admin = Map.of("OPSPLANE_URL", system.baseUrl(), "OPSPLANE_DATA_DIR", dataDir.toString());
    }

    @AfterAll
    static void stop() {
        system.close();
        application.stop(0);
    }

    private record Run(int exitCode, String out, String err) {

        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    private static Run cli(Map<String, String> environment, String... arguments) {
        return cliWithStdin(environment, "", arguments);
    }

    private static Run cliWithStdin(Map<String, String> environment, String stdin, String... arguments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Opsplane.run(arguments, environment, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, String> withKey(String key) {
        Map<String, String> environment = new HashMap<>(admin);
        environment.remove("OPSPLANE_DATA_DIR");
        environment.put("OPSPLANE_KEY", key);
        return environment;
    }

    private String healthUrl() {
        return system.baseUrl() + "/actuator/health";
    }

    /** Reads are eventually consistent: the verb is repeated until the query side has projected what it reads. */
    private static Run eventually(Map<String, String> environment, String... arguments) throws Exception {
        return eventually(run -> run.exitCode() == 0, environment, arguments);
    }

    private static Run eventually(Predicate<Run> done, Map<String, String> environment, String... arguments)
            throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        Run run = cli(environment, arguments);
        while (!done.test(run) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            run = cli(environment, arguments);
        }
        return run;
    }

    @Test
    void listsTheRegistryAndShowsOneToolWithItsFieldsAndPolicy() throws Exception {
        Run table = cli(admin, "tools");
        assertThat(table.exitCode()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow())
                .startsWith("NAME").contains("VERSION", "RISK", "SCOPE", "APPROVAL", "AVAILABLE");
        assertThat(table.out()).contains("service.healthcheck", "app.credits.grant");

        Run json = cli(admin, "tools", "--json");
        assertThat(json.json()).isEqualTo(JSON.readTree(system.get("/v1/tools", system.adminKey()).body()));

        Run one = cli(admin, "tools", "app.credits.grant");
        assertThat(one.exitCode()).isZero();
        assertThat(one.out()).contains("1 approval when /credits > 1000", "credits  integer", "tenant   string");

        Run unknown = cli(admin, "tools", "no.such.tool");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("opsplane: tool_not_found: ");
        assertThat(unknown.err().lines()).hasSize(1);
    }

    @Test
    void plansAndExecutesWithValuesTypedByTheSchema() throws Exception {
        Run plan = cli(admin, "plan", "service.healthcheck", "url=" + healthUrl(), "expectStatus=200");
        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.out()).startsWith("Plan ").contains("The plan:", "  1. ", "digest:      sha256:");

        Run exec = cli(admin, "exec", "service.healthcheck", "url=" + healthUrl(), "expectStatus=200",
                "--reason", "cli test", "--idempotency-key", "cli-exec-1", "--json");
        assertThat(exec.exitCode()).as(exec.err()).isZero();
        JsonNode execution = exec.json();
        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(execution.path("input").path("expectStatus").isInt()).isTrue();
        assertThat(execution.path("output").path("statusCode").asInt()).isEqualTo(200);

        Run again = cli(admin, "exec", "service.healthcheck", "url=" + healthUrl(), "expectStatus=200",
                "--reason", "cli test", "--idempotency-key", "cli-exec-1", "--json");
        assertThat(again.json().path("executionId")).isEqualTo(execution.path("executionId"));

        Run fromStdin = cliWithStdin(admin, "{\"url\":\"" + healthUrl() + "\"}", "exec", "service.healthcheck",
                "--input", "-");
        assertThat(fromStdin.exitCode()).as(fromStdin.err()).isZero();
        assertThat(fromStdin.out()).contains("SUCCEEDED", "output:      {\"statusCode\":200");
    }

    @Test
    void anExecutionStillRunningAfterTheWaitIsExitOneAndSaysHowToFollowIt() throws Exception {
        String slow = "http://127.0.0.1:" + application.getAddress().getPort() + "/slow";
        Run running = cli(admin, "exec", "service.healthcheck", "url=" + slow, "--wait", "1");
        assertThat(running.exitCode()).isEqualTo(1);
        assertThat(running.out()).contains("RUNNING");
        assertThat(running.err()).startsWith("opsplane: execution ").contains(" is still running after 1 s;",
                "follow it with ./opsplane execution ");

        Run detached = cli(admin, "exec", "service.healthcheck", "url=" + slow, "--wait", "0", "--json");
        assertThat(detached.exitCode()).isZero();
        assertThat(detached.json().path("status").asText()).isEqualTo("running");
        String id = detached.json().path("executionId").asText();
        Run finished = eventually(run -> run.out().contains("SUCCEEDED"), admin, "execution", id);
        assertThat(finished.out()).contains("SUCCEEDED", "execution.succeeded");
    }

    @Test
    void aSecretGivenAsAnArgumentIsSentButWarnedAbout() throws Exception {
        Run run = cli(admin, "plan", "service.healthcheck", "url=" + healthUrl(), "bearerToken=s3cr3t-token", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEqualTo("opsplane: note: bearerToken is a secret input, and the command line is visible"
                + " to other users of this machine; prefer --input FILE or --input -\n");
        assertThat(run.out()).doesNotContain("s3cr3t-token");
    }

    @Test
    void badInputIsAOneLineUsageErrorBeforeAnythingIsSent() {
        Run unknownField = cli(admin, "exec", "service.healthcheck", "url=" + healthUrl(), "expect=200");
        assertThat(unknownField.exitCode()).isEqualTo(2);
        assertThat(unknownField.err()).isEqualTo("opsplane: service.healthcheck has no input field 'expect'"
                + " (its fields: url, expectStatus, timeoutMs, bearerToken)\n");

        Run wrongType = cli(admin, "plan", "service.healthcheck", "url=" + healthUrl(), "timeoutMs=soon");
        assertThat(wrongType.exitCode()).isEqualTo(2);
        assertThat(wrongType.err()).isEqualTo("opsplane: timeoutMs: 'soon' is not an integer"
                + " (service.healthcheck's input schema)\n");

        Run refusedByServer = cli(admin, "exec", "service.healthcheck", "url=http://169.254.169.254/");
        assertThat(refusedByServer.exitCode()).isEqualTo(1);
        assertThat(refusedByServer.err()).startsWith("opsplane: invalid_input: ").contains("/url: ");
        assertThat(refusedByServer.err().lines()).hasSize(1);
    }

    @Test
    void aFailedExecutionIsExitOneWithItsErrorCode() throws Exception {
        Run failed = cli(admin, "exec", "service.healthcheck", "url=" + healthUrl(), "expectStatus=201");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.out()).contains("FAILED");
        assertThat(failed.err()).startsWith("opsplane: execution ").contains(" failed: unexpected_status: ");

        String id = failed.out().lines().findFirst().orElseThrow().split("\\s+")[1];
        // The read side is eventually consistent: the command side answered FAILED, the view may still say RUNNING.
        Run shown = eventually(run -> run.out().contains("execution.failed"), admin, "execution", id);
        assertThat(shown.out()).contains("Execution " + id, "FAILED", "POSITION", "execution.requested",
                "execution.failed");
    }

    @Test
    void listsExecutionsPageByPageWithFilters() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(cli(admin, "plan", "service.healthcheck", "url=" + healthUrl(), "timeoutMs=" + (1000 + i))
                    .exitCode()).isZero();
        }
        Instant deadline = Instant.now().plusSeconds(20);
        Run first = cli(admin, "executions", "--mode", "plan", "--limit", "2");
        // The list is eventually consistent: wait until the third plan is projected and a second page exists.
        while (first.out().lines().noneMatch(line -> line.startsWith("More: ")) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            first = cli(admin, "executions", "--mode", "plan", "--limit", "2");
        }
        assertThat(first.exitCode()).isZero();
        List<String> lines = first.out().lines().toList();
        assertThat(lines.get(0)).startsWith("ID").contains("TOOL", "MODE", "STATUS", "ACTOR", "CREATED");
        assertThat(lines.get(1)).contains("service.healthcheck", "plan", "planned");
        String more = lines.get(lines.size() - 1);
        assertThat(more).startsWith("More: add --cursor ");

        Run second = cli(admin, "executions", "--mode", "plan", "--limit", "2", "--json", "--cursor",
                more.substring("More: add --cursor ".length()));
        assertThat(second.exitCode()).isZero();
        assertThat(second.json().path("items").size()).isBetween(1, 2);
        assertThat(second.json().path("items").get(0).path("executionId").asText())
                .isNotIn(lines.get(1).split("\\s+")[0], lines.get(2).split("\\s+")[0]);

        Run badStatus = cli(admin, "executions", "--limit", "501");
        assertThat(badStatus.exitCode()).isEqualTo(1);
        assertThat(badStatus.err()).startsWith("opsplane: invalid_parameter: ");
    }

    @Test
    void anInputThatNeedsApprovalIsExitFourThenApprovedAndExecutedOnce() throws Exception {
        Run pending = cli(admin, "exec", "app.credits.grant", "tenant=acme", "credits=5000", "--reason", "goodwill");
        assertThat(pending.exitCode()).as(pending.err()).isEqualTo(4);
        assertThat(pending.out()).startsWith("Pending approval: request ");
        String request = pending.out().split("\\s+")[3];
        assertThat(pending.out()).contains("./opsplane approve " + request, "./opsplane execute-approved " + request);

        Run inbox = eventually(run -> run.out().contains(request), admin, "approvals", "--pending", "--tool",
                "app.credits.grant");
        assertThat(inbox.out()).contains(request, "pending", "0/1");

        Run self = cli(admin, "approve", request);
        assertThat(self.exitCode()).isEqualTo(1);
        assertThat(self.err()).startsWith("opsplane: self_approval_forbidden: ");

        Run issued = cli(admin, "keys", "issue", "--name", "approver", "--principal", "bob@example.com",
                "--scope", "approvals:approve,approvals:request", "--json");
        assertThat(issued.exitCode()).as(issued.err()).isZero();
        String bobKey = issued.json().path("key").asText();

        Run approved = cli(withKey(bobKey), "approve", request, "--comment", "fine");
        assertThat(approved.exitCode()).as(approved.err()).isZero();
        assertThat(approved.out()).contains("APPROVED", "bob@example.com at ", ": fine");

        int grantsBefore = GRANTS.get();
        Path input = Files.writeString(workDir.resolve("grant.json"), "{\"tenant\":\"acme\",\"credits\":5000}");
        Run executed = cli(admin, "execute-approved", request, "--input", input.toString());
        assertThat(executed.exitCode()).as(executed.err()).isZero();
        assertThat(executed.out()).contains("SUCCEEDED");
        assertThat(GRANTS.get()).isEqualTo(grantsBefore + 1);

        Run twice = cli(admin, "execute-approved", request, "--input", input.toString());
        assertThat(twice.exitCode()).isEqualTo(1);
        assertThat(twice.err()).startsWith("opsplane: already_executed: ");
        assertThat(GRANTS.get()).isEqualTo(grantsBefore + 1);
    }

    @Test
    void aRejectedRequestShowsWhoRejectedItAndWhy() throws Exception {
        Run pending = cli(admin, "exec", "app.credits.grant", "tenant=globex", "credits=9000", "--reason", "ask");
        assertThat(pending.exitCode()).isEqualTo(4);
        String request = pending.out().split("\\s+")[3];
        String carolKey = system.issueKey("""
                {"name":"carol","principal":"carol@example.com","kind":"human","scopes":["approvals:approve"]}""")
                .path("key").asText();

        Run rejected = cli(withKey(carolKey), "reject", request, "--comment", "too much");
        assertThat(rejected.exitCode()).as(rejected.err()).isZero();
        assertThat(rejected.out()).contains("REJECTED", "carol@example.com", "too much");
        Run shown = eventually(admin, "approvals", request);
        assertThat(shown.out()).contains("Approval request " + request);
    }

    @Test
    void wrongAndRevokedKeysAreRefusedWithoutPrintingThem() throws Exception {
        Run wrong = cli(withKey("ops_not_a_real_key"), "executions");
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.err()).startsWith("opsplane: unauthenticated: ").contains("the key from OPSPLANE_KEY was refused");
        assertThat(wrong.out() + wrong.err()).doesNotContain("ops_not_a_real_key");

        Run issued = cli(admin, "keys", "issue", "--name", "auditor", "--principal", "audit@example.com",
                "--scope", "logs:read", "--json");
        JsonNode key = issued.json();
        Run listed = eventually(run -> run.out().contains(key.path("id").asText()), admin, "keys", "list",
                "--principal", "audit@example.com");
        assertThat(listed.out()).contains(key.path("id").asText(), "audit@example.com", "logs:read", "active");
        assertThat(listed.out()).doesNotContain(key.path("key").asText());

        Path keyFile = Files.writeString(workDir.resolve("auditor-key"), key.path("key").asText() + "\n");
        Run reading = cli(Map.of("OPSPLANE_URL", system.baseUrl()), "executions", "--key-file", keyFile.toString());
        assertThat(reading.exitCode()).as(reading.err()).isZero();
        Run notAllowed = cli(Map.of("OPSPLANE_URL", system.baseUrl()), "keys", "list", "--key-file", keyFile.toString());
        assertThat(notAllowed.exitCode()).isEqualTo(1);
        assertThat(notAllowed.err()).startsWith("opsplane: forbidden: ");

        Run revoked = cli(admin, "keys", "revoke", key.path("id").asText());
        assertThat(revoked.exitCode()).isZero();
        Instant deadline = Instant.now().plusSeconds(20);
        Run after = cli(Map.of("OPSPLANE_URL", system.baseUrl()), "executions", "--key-file", keyFile.toString());
        while (after.exitCode() == 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            after = cli(Map.of("OPSPLANE_URL", system.baseUrl()), "executions", "--key-file", keyFile.toString());
        }
        assertThat(after.exitCode()).isEqualTo(1);
        assertThat(after.err()).startsWith("opsplane: unauthenticated: ").contains("--key-file " + keyFile);
        assertThat(after.err()).doesNotContain(key.path("key").asText());
    }

    @Test
    void tailsTheLiveStreamAndResumesAfterAPosition() throws Exception {
        CompletableFuture<Run> tail = CompletableFuture.supplyAsync(() -> cli(admin, "events", "tail", "--type",
                "execution.planned", "--count", "1", "--json"));
        Instant deadline = Instant.now().plusSeconds(20);
        while (!tail.isDone() && Instant.now().isBefore(deadline)) {
            cli(admin, "plan", "service.healthcheck", "url=" + healthUrl());
            Thread.sleep(200);
        }
        Run live = tail.get(5, TimeUnit.SECONDS);
        assertThat(live.exitCode()).as(live.err()).isZero();
        JsonNode event = live.json();
        assertThat(event.path("type").asText()).isEqualTo("execution.planned");
        long position = event.path("position").asLong();

        assertThat(cli(admin, "plan", "service.healthcheck", "url=" + healthUrl()).exitCode()).isZero();
        Run resumed = cli(admin, "events", "tail", "--type", "execution.planned", "--after", Long.toString(position),
                "--count", "1");
        assertThat(resumed.exitCode()).isZero();
        long next = Long.parseLong(resumed.out().split("\\s+")[0]);
        assertThat(next).isGreaterThan(position);
        assertThat(resumed.out()).contains("execution.planned");
    }

    @Test
    void anExportVerifiesOfflineAndOneAlteredEventIsNamedByPosition() throws Exception {
        assertThat(cli(admin, "plan", "service.healthcheck", "url=" + healthUrl()).exitCode()).isZero();
        Run export = cli(admin, "audit", "export");
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(ExportVerifier.verify(new StringReader(export.out())).ok()).isTrue();
        Path file = Files.writeString(workDir.resolve("audit.ndjson"), export.out());

        Run intact = cli(Map.of(), "audit", "verify", file.toString());
        assertThat(intact.exitCode()).as(intact.out() + intact.err()).isZero();
        assertThat(intact.out()).startsWith("OK: ");

        List<String> lines = new ArrayList<>(export.out().lines().toList());
        int altered = -1;
        for (int i = 0; i < lines.size() && altered < 0; i++) {
            if (lines.get(i).contains("\"type\":\"execution.planned\"")) {
                altered = i;
            }
        }
        assertThat(altered).isNotNegative();
        long position = JSON.readTree(lines.get(altered)).path("position").asLong();
        lines.set(altered, lines.get(altered).replace("service.healthcheck", "service.healthcheck "));
        Path tampered = Files.write(workDir.resolve("tampered.ndjson"), lines);

        Run broken = cli(Map.of(), "audit", "verify", tampered.toString());
        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.out()).startsWith("BROKEN at position " + position + ": ");
    }

    @Test
    void noServerAtTheUrlIsExitThree() {
        Run run = cli(Map.of("OPSPLANE_URL", "http://127.0.0.1:1", "OPSPLANE_KEY", "k"), "approvals", "--pending");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).isEqualTo("opsplane: cannot reach http://127.0.0.1:1: connection refused\n");
    }
}
