package io.opsplane.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One tool execution the whole way: HTTP → command → aggregate → events in the store →
 * projection → HTTP read, all through the single base URL.
 */
class EndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    private static RunningSystem system;
    private static HttpServer target;
    private static String targetUrl;

    @BeforeAll
    static void start() throws Exception {
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/ok", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        target.createContext("/slow", exchange -> {
            try {
                Thread.sleep(1_500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        target.setExecutor(Executors.newCachedThreadPool());
        target.start();
        targetUrl = "http://127.0.0.1:" + target.getAddress().getPort();
        system = RunningSystem.start(dataDir);
    }

    @AfterAll
    static void stop() {
        system.close();
        target.stop(0);
    }

    @Test
    void anExecutionIsReadableFromTheQuerySideAsTheCommandSideAnswered() throws Exception {
        HttpResponse<String> executed = system.post("/v1/executions", system.adminKey(),
                "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"" + targetUrl + "/ok\",\"expectStatus\":204},"
                        + "\"reason\":\"end to end\"}");
        assertThat(executed.statusCode()).as(executed.body()).isEqualTo(200);
        JsonNode written = JSON.readTree(executed.body());
        assertThat(written.path("status").asText()).isEqualTo("succeeded");
        String id = written.path("executionId").asText();
        long position = written.path("position").asLong();

        HttpResponse<String> read = system.get("/v1/executions/" + id + "?minPosition=" + position, system.adminKey());
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        JsonNode view = JSON.readTree(read.body());
        for (String field : List.of("executionId", "tool", "toolVersion", "mode", "status", "input", "output", "error",
                "actor", "reason", "createdAt", "startedAt", "finishedAt", "durationMs", "steps", "position")) {
            assertThat(view.get(field)).as(field).isEqualTo(written.get(field));
        }
        List<String> types = new ArrayList<>();
        view.path("timeline").forEach(event -> types.add(event.path("type").asText()));
        assertThat(types).containsExactly("execution.requested", "execution.started", "execution.succeeded");

        HttpResponse<String> listed = system.get("/v1/executions?tool=service.healthcheck&status=succeeded&minPosition="
                + position, system.adminKey());
        assertThat(listed.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        JSON.readTree(listed.body()).path("items").forEach(item -> ids.add(item.path("executionId").asText()));
        assertThat(ids).contains(id);
    }

    @Test
    void aPlanIsRecordedAndReadableLikeAnExecution() throws Exception {
        HttpResponse<String> planned = system.post("/v1/executions", system.adminKey(),
                "{\"tool\":\"service.healthcheck\",\"mode\":\"plan\",\"input\":{\"url\":\"" + targetUrl + "/ok\"}}");
        assertThat(planned.statusCode()).isEqualTo(200);
        JsonNode plan = JSON.readTree(planned.body());
        HttpResponse<String> read = system.get("/v1/executions/" + plan.path("executionId").asText() + "?minPosition="
                + plan.path("position").asLong(), system.adminKey());
        JsonNode view = JSON.readTree(read.body());
        assertThat(view.path("status").asText()).isEqualTo("planned");
        assertThat(view.path("plan").path("digest").asText()).isEqualTo(plan.path("plan").path("digest").asText());
        HttpResponse<String> plans = system.get("/v1/executions?mode=plan&minPosition=" + plan.path("position").asLong(),
                system.adminKey());
        assertThat(plans.body()).contains(plan.path("executionId").asText());
    }

    @Test
    void aSlowExecutionAnswers202AndFinishesInTheBackground() throws Exception {
        HttpResponse<String> accepted = system.post("/v1/executions?wait=0", system.adminKey(),
                "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"" + targetUrl + "/slow\"}}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        Instant deadline = Instant.now().plusSeconds(30);
        String status = "running";
        while (!status.equals("succeeded") && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            HttpResponse<String> polled = system.get(location, system.adminKey());
            if (polled.statusCode() == 200) {
                status = JSON.readTree(polled.body()).path("status").asText();
            }
        }
        assertThat(status).isEqualTo("succeeded");
    }

    @Test
    void scopesApplyOnBothSidesAndRevocationReachesBoth() throws Exception {
        JsonNode reader = system.issueKey("{\"name\":\"auditor\",\"principal\":\"audit@example.com\",\"kind\":\"human\","
                + "\"scopes\":[\"logs:read\"]}");
        String key = reader.path("key").asText();
        assertThat(system.get("/v1/executions", key).statusCode()).isEqualTo(200);
        assertThat(system.post("/v1/executions", key, "{\"tool\":\"service.healthcheck\",\"input\":{}}").statusCode())
                .isEqualTo(403);
        assertThat(system.get("/v1/executions", null).statusCode()).isEqualTo(401);

        assertThat(system.delete("/v1/api-keys/" + reader.path("id").asText(), system.adminKey()).statusCode()).isEqualTo(204);
        Instant deadline = Instant.now().plusSeconds(10);
        int query = 200;
        int command = 403;
        while ((query != 401 || command != 401) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            query = system.get("/v1/executions", key).statusCode();
            command = system.post("/v1/executions", key, "{}").statusCode();
        }
        assertThat(query).isEqualTo(401);
        assertThat(command).isEqualTo(401);
    }

    @Test
    void theBaseUrlRoutesUnknownRoutesAndMethodsToProblemAnswers() throws Exception {
        HttpResponse<String> missing = system.get("/v1/does-not-exist", system.adminKey());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).path("code").asText()).isEqualTo("not_found");
        HttpResponse<String> health = system.get("/actuator/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
    }
}
