package io.opsplane.system.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsplane.command.CommandSideApplication;
import io.opsplane.eventstore.audit.ExportVerifier;
import io.opsplane.localrun.EmbeddedStore;
import io.opsplane.query.QuerySideApplication;
import io.opsplane.standalone.SharedTomcat;
import io.opsplane.standalone.SharedTomcat.Side;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit features through the single base URL: a real plan recorded by the command side shows up on the SSE
 * stream, in the event log with its stored hash, in metrics, in an export that verifies offline, and survives a
 * replay; webhooks are registered on one side and listed by the other.
 */
class AuditThroughBaseUrlTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dataDir;

    private static EmbeddedStore store;
    private static ConfigurableApplicationContext commandSide;
    private static ConfigurableApplicationContext querySide;
    private static SharedTomcat tomcat;
    private static String key;

    @BeforeAll
    static void start() throws Exception {
        store = EmbeddedStore.inMemory();
        String uri = "--spring.mongodb.uri=" + store.connectionString() + "/opsplane";
        tomcat = SharedTomcat.start();
        commandSide = tomcat.run(Side.COMMAND, CommandSideApplication.builder(), "--server.port=0", uri, "--opsplane.data-dir=" + dataDir);
        querySide = tomcat.run(Side.QUERY, QuerySideApplication.builder(), "--server.port=0", uri, "--opsplane.data-dir=" + dataDir,
                "--opsplane.audit.seal-interval=100ms", "--opsplane.stream.poll-interval=20ms");
        tomcat.open(0);
        key = Files.readString(dataDir.resolve("admin-key")).trim();
        Instant deadline = Instant.now().plusSeconds(30);
        while (get("/v1/events?limit=1").statusCode() == 401 && Instant.now().isBefore(deadline)) {
            Thread.sleep(25);
        }
    }

    @AfterAll
    static void stop() {
        tomcat.closeBaseUrl();
        querySide.close();
        commandSide.close();
        tomcat.close();
        store.close();
    }

    @Test
    void aRecordedPlanFlowsToTheStreamTheLogMetricsAndAVerifiedExport() throws Exception {
        HttpResponse<Stream<String>> stream = HTTP.send(request("/v1/events/stream?type=execution.planned")
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        CompletableFuture.runAsync(() -> {
            try {
                stream.body().forEach(lines::add);
            } catch (RuntimeException closed) {
                // closed at the end of the test
            }
        });

        HttpResponse<String> plan = HTTP.send(request("/v1/executions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tool\":\"service.healthcheck\",\"mode\":\"plan\","
                        + "\"input\":{\"url\":\"http://127.0.0.1:9/\"}}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plan.statusCode()).isEqualTo(200);
        long position = JSON.readTree(plan.body()).path("position").asLong();

        String idLine = null;
        while (idLine == null) {
            String line = lines.poll(15, TimeUnit.SECONDS);
            assertThat(line).as("the planned event on the stream through the base URL").isNotNull();
            if (line.startsWith("id:")) {
                idLine = line;
            }
        }
        assertThat(idLine).isEqualTo("id:" + position);
        stream.body().close();

        JsonNode logged = JSON.readTree(get("/v1/events?type=execution.planned&minPosition=" + position).body())
                .path("items").get(0);
        assertThat(logged.path("position").asLong()).isEqualTo(position);
        JsonNode metrics = JSON.readTree(get("/v1/metrics?window=15m&minPosition=" + position).body());
        assertThat(metrics.path("totals").path("plans").asLong()).isEqualTo(1);

        Instant deadline = Instant.now().plusSeconds(15);
        JsonNode verified;
        do {
            verified = JSON.readTree(get("/v1/audit/verify").body());
            Thread.sleep(50);
        } while (verified.path("checkedEvents").asLong() <= position && Instant.now().isBefore(deadline));
        assertThat(verified.path("ok").asBoolean()).isTrue();
        HttpResponse<String> export = HTTP.send(request("/v1/audit/export").header("Accept", "application/x-ndjson")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(ExportVerifier.verify(new StringReader(export.body())).ok()).isTrue();
        assertThat(export.body()).contains("\"hash\":\"" + logged.path("hash").asText() + "\"");

        HttpResponse<String> replay = HTTP.send(request("/v1/admin/replay").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"projections\":[\"eventlog\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(replay.statusCode()).isEqualTo(202);
        JsonNode progress;
        deadline = Instant.now().plusSeconds(30);
        do {
            Thread.sleep(50);
            progress = JSON.readTree(get("/v1/admin/replay").body());
        } while ("running".equals(progress.path("status").asText()) && Instant.now().isBefore(deadline));
        assertThat(progress.path("status").asText()).isEqualTo("completed");
        assertThat(JSON.readTree(get("/v1/events?type=execution.planned").body()).path("items").get(0))
                .isEqualTo(logged);
    }

    @Test
    void webhooksRegisteredOnTheCommandSideAreListedByTheQuerySide() throws Exception {
        HttpResponse<String> registered = HTTP.send(request("/v1/webhooks").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"http://127.0.0.1:9/hook\",\"eventTypes\":[\"*\"]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).isEqualTo(201);
        String id = JSON.readTree(registered.body()).path("id").asText();

        Instant deadline = Instant.now().plusSeconds(15);
        while (!get("/v1/webhooks").body().contains(id)) {
            assertThat(Instant.now()).as("the webhook listed in time").isBefore(deadline);
            Thread.sleep(25);
        }
        assertThat(get("/v1/webhooks").body()).doesNotContain("whsec_");
        assertThat(get("/v1/webhooks/" + id + "/deliveries").statusCode()).isEqualTo(200);
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tomcat.port() + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + key);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
