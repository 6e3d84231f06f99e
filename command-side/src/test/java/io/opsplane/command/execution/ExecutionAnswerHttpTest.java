package io.opsplane.command.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.apikey.Scope;
import io.opsplane.api.execution.ExecutionMode;
import io.opsplane.api.execution.ExecutionStatus;
import io.opsplane.api.execution.RequestAndStartExecutionCommand;
import io.opsplane.api.execution.RequestExecutionCommand;
import io.opsplane.command.support.CommandSideUnderTest;
import io.opsplane.command.tool.ToolRequests;
import io.opsplane.platform.auth.AuthenticatedKey;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run on the node that accepted it answers with the execution as the events it appended tell it, instead of
 * reading the stream back: that answer must be the one the read gives, to the byte, whatever the outcome, with the
 * secrets redacted, and with a tool's output as it was stored rather than as the tool returned it.
 */
class ExecutionAnswerHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "tok-kept-out-of-the-answer";
    /** A JSON answer whose numbers a tool holds in other types than the store gives back (a float, a long). */
    private static final String STATUS_BODY = "{\"state\":\"green\",\"load\":0.25,\"uptimeMs\":86400000123,"
            + "\"checks\":[{\"name\":\"db\",\"ok\":true},{\"name\":\"queue\",\"ok\":null}]}";
    private static final AuthenticatedKey KEY = new AuthenticatedKey("key-answer-test", "tester@example.com",
            ActorKind.HUMAN, null, Set.of(Scope.TOOLS_EXECUTE, Scope.TOOLS_PLAN), List.of(), null, null);

    @TempDir
    static Path dataDir;
    private static HttpServer target;
    private static CommandSideUnderTest side;
    private static String upUrl;
    private static String downUrl;

    @BeforeAll
    static void start() throws Exception {
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 20);
        target.createContext("/up", exchange -> answer(exchange, 200, STATUS_BODY));
        target.createContext("/down", exchange -> answer(exchange, 503, "{\"error\":\"maintenance\"}"));
        target.start();
        String targetBase = "http://127.0.0.1:" + target.getAddress().getPort();
        upUrl = targetBase + "/up";
        downUrl = targetBase + "/down";
        Path tools = Files.writeString(dataDir.resolve("tools.yml"), """
                tools:
                  - name: status.read
                    description: Reads our status page's JSON
                    riskLevel: low
                    idempotent: true
                    inputSchema: {type: object}
                    request: {method: GET, url: "%s"}
                """.formatted(upUrl));
        side = CommandSideUnderTest.start(dataDir, "opsplane.tools.file=" + tools);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @AfterAll
    static void stop() {
        side.close();
        target.stop(0);
    }

    @Test
    void aSucceededExecutionAnswersWithTheBytesItsReadGives() throws Exception {
        HttpResponse<String> answer = execute(healthcheck(upUrl));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).path("status").asText()).isEqualTo("succeeded");
        assertThat(answer.body()).isEqualTo(asTheReadAnswers(answer)).doesNotContain(SECRET);
    }

    @Test
    void aFailedExecutionAnswersWithTheBytesItsReadGives() throws Exception {
        HttpResponse<String> answer = execute(healthcheck(downUrl));

        JsonNode body = JSON.readTree(answer.body());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(body.path("status").asText()).isEqualTo("failed");
        assertThat(body.path("error").path("code").asText()).isEqualTo("unexpected_status");
        assertThat(answer.body()).isEqualTo(asTheReadAnswers(answer)).doesNotContain(SECRET);
    }

    @Test
    void aToolsJsonOutputIsAnsweredAsTheStoreGivesItBack() throws Exception {
        HttpResponse<String> answer = execute("{\"tool\":\"status.read\",\"input\":{}}");

        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("status").asText()).as(answer.body()).isEqualTo("succeeded");
        assertThat(body.path("output").path("body")).isEqualTo(JSON.readTree(STATUS_BODY));
        assertThat(answer.body()).isEqualTo(asTheReadAnswers(answer));
    }

    /**
     * Below the HTTP answer: the run itself tells the execution (it is not read, which would make the comparison
     * above hold trivially), and what it tells equals the read, view, request hash and runner, for either outcome.
     */
    @Test
    void aRunHereTellsItsExecutionAsTheReadOfItsStreamDoes() throws Exception {
        for (String url : List.of(upUrl, downUrl)) {
            String executionId = ExecutionIds.random();

            Optional<RecordedExecution> told = runHere(executionId, JSON.readTree(healthcheck(url)).path("input"));

            assertThat(told).as("told by the run of %s", url).isPresent();
            assertThat(told.get().view().status()).isIn(ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED);
            assertThat(told).isEqualTo(side.bean(ExecutionReader.class).read(executionId));
        }
    }

    /** Requests, claims and runs an execution as {@link ExecutionService} does, and returns what the run tells. */
    private static Optional<RecordedExecution> runHere(String executionId, JsonNode input) throws Exception {
        ToolRequests.Checked checked = side.bean(ToolRequests.class).check("service.healthcheck",
                input, KEY, ExecutionMode.EXECUTE);
        RequestExecutionCommand request = new RequestExecutionCommand(executionId, checked.ref(),
                checked.recordedInput(), "compare", KEY.actor(), null,
                checked.executionHash(ExecutionMode.EXECUTE, "compare"), null, checked.tool().steps());
        ToolRunner runner = side.bean(ToolRunner.class);
        ToolRunner.Appended appended = runner.keepAppended(executionId);
        side.bean(CommandGateway.class).sendAndWait(new RequestAndStartExecutionCommand(request, runner.runnerName()));
        return runner.runAccepted(executionId, checked.tool(), input, KEY.keyId(), appended).get(30, TimeUnit.SECONDS);
    }

    private static String healthcheck(String url) {
        return "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"" + url + "\",\"bearerToken\":\"" + SECRET
                + "\"}}";
    }

    private static HttpResponse<String> execute(String body) {
        return side.post("/v1/executions?wait=10", side.adminKey(), body);
    }

    /** The execution of {@code answer} as a read of its stream gives it now, written as the web layer writes it. */
    private static String asTheReadAnswers(HttpResponse<String> answer) throws IOException {
        String executionId = JSON.readTree(answer.body()).path("executionId").asText();
        RecordedExecution read = side.bean(ExecutionReader.class).read(executionId).orElseThrow();
        return side.bean(JsonMapper.class).writeValueAsString(read.view());
    }
}
