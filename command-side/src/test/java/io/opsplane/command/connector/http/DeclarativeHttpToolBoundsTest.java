package io.opsplane.command.connector.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.opsplane.command.tool.InMemorySteps;
import io.opsplane.command.tool.InputValidator;
import io.opsplane.command.tool.ToolFailure;
import io.opsplane.platform.problem.FieldError;
import io.opsplane.platform.problem.InvalidInputException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a declarative tool's inputs and its upstream's answers cannot do: walk the path, split a header, fill memory. */
class DeclarativeHttpToolBoundsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private HttpServer upstream;
    private final ConcurrentLinkedQueue<String> rawPaths = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            rawPaths.add(exchange.getRequestURI().getRawPath());
            byte[] body = exchange.getRequestURI().getRawPath().startsWith("/huge")
                    ? new byte[DeclarativeHttpTool.MAX_RESPONSE_BYTES + 10] : "{}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
    }

    @AfterEach
    void stop() {
        upstream.stop(0);
    }

    private DeclarativeHttpTool tool(String path, Map<String, String> environment) throws Exception {
        String yaml = """
                tools:
                  - name: app.files.read
                    version: 1.0.0
                    description: Reads a file of a tenant
                    riskLevel: low
                    inputSchema:
                      type: object
                      required: [name]
                      properties:
                        name: {type: string}
                    request:
                      method: GET
                      url: "http://127.0.0.1:%d%s"
                      headers: {X-File: "{{input.name}}"}
                      secretHeaders:
                        Authorization: {env: APP_TOKEN, prefix: "Bearer "}
                """.formatted(upstream.getAddress().getPort(), path);
        return new DeclarativeToolLoader(new InputValidator(), environment::get)
                .load(Files.writeString(dir.resolve("tools.yml"), yaml), Set.of()).get(0);
    }

    @Test
    void aPathPlaceholderStaysDataInsideItsSegment() throws Exception {
        DeclarativeHttpTool tool = tool("/files/{{input.name}}/content", Map.of("APP_TOKEN", "t"));

        for (String name : List.of("..", ".", "a/../b", "%2e%2e")) {
            tool.run(JSON.createObjectNode().put("name", name), InMemorySteps.context("ex_1", new InMemorySteps()));
        }

        assertThat(rawPaths).containsExactly("/files/%2E%2E/content", "/files/%2E/content",
                "/files/a%2F%2E%2E%2Fb/content", "/files/%252e%252e/content");
    }

    @Test
    void anAnswerAboveOneMebibyteFailsTheRequestInsteadOfBeingRead() throws Exception {
        DeclarativeHttpTool tool = tool("/huge/{{input.name}}", Map.of("APP_TOKEN", "t"));

        assertThatThrownBy(() -> tool.run(JSON.createObjectNode().put("name", "x"),
                InMemorySteps.context("ex_2", new InMemorySteps())))
                .isInstanceOfSatisfying(ToolFailure.class, failure -> assertThat(failure.code()).isEqualTo("response_too_large"));
    }

    @Test
    void anInputThatWouldSplitAHeaderIsRefusedBeforeAnyRequest() throws Exception {
        DeclarativeHttpTool tool = tool("/files/{{input.name}}", Map.of("APP_TOKEN", "t"));

        assertThatThrownBy(() -> tool.checkInput(JSON.createObjectNode().put("name", "a\r\nX-Injected: 1")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.extensions().get("errors"))
                        .isEqualTo(List.of(new FieldError("/name", "must not contain line breaks or other control characters"))));
        assertThat(rawPaths).isEmpty();
    }

    @Test
    void aSecretHeaderValueWithALineBreakMakesTheToolUnavailable() throws Exception {
        DeclarativeHttpTool tool = tool("/files/{{input.name}}", Map.of("APP_TOKEN", "t\nX-Injected: 1"));

        assertThat(tool.unavailableReason()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("APP_TOKEN").contains("control character").doesNotContain("X-Injected"));
    }
}
