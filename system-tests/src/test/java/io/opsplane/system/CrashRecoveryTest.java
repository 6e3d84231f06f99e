package io.opsplane.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opsplane.api.execution.ExecutionStartedEvent;
import io.opsplane.api.execution.ExecutionStatus;
import io.opsplane.api.execution.ExecutionView;
import io.opsplane.api.execution.ExecutionViewReducer;
import io.opsplane.command.CommandSideApplication;
import io.opsplane.localrun.EmbeddedStore;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command side killed (SIGKILL, a separate JVM) while tools run, then started again on the
 * same store: the idempotent tool is resumed and succeeds, the non-idempotent one is marked
 * {@code unknown} for reconciliation and never called twice.
 */
class CrashRecoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;
    private EmbeddedStore store;
    private HttpServer target;
    private Process commandSide;
    private ConfigurableApplicationContext restarted;
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger healthchecks = new AtomicInteger();
    private final Map<String, AtomicInteger> deploysByKey = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        store = EmbeddedStore.inMemory();
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/hang", exchange -> {
            healthchecks.incrementAndGet();
            answerOnceReleased(exchange);
        });
        target.createContext("/deploy", exchange -> {
            deploysByKey.computeIfAbsent(exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                    key -> new AtomicInteger()).incrementAndGet();
            answerOnceReleased(exchange);
        });
        target.setExecutor(Executors.newCachedThreadPool());
        target.start();
    }

    @AfterEach
    void stop() {
        if (commandSide != null) {
            commandSide.destroyForcibly();
        }
        if (restarted != null) {
            restarted.close();
        }
        released.countDown();
        target.stop(0);
        store.close();
    }

    /** Holds every call until the crash has happened, as a slow target system would. */
    private void answerOnceReleased(HttpExchange exchange) throws IOException {
        try {
            released.await(60, TimeUnit.SECONDS);
            exchange.sendResponseHeaders(200, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the caller was killed
        } finally {
            exchange.close();
        }
    }

    @Test
    void resumesIdempotentToolsAndMarksOthersUnknownAfterAKill() throws Exception {
        String targetUrl = "http://127.0.0.1:" + target.getAddress().getPort();
        Path toolsFile = Files.writeString(dataDir.resolve("tools.yml"), """
                tools:
                  - name: app.deploy
                    description: Deploys our application; not idempotent
                    riskLevel: medium
                    idempotent: false
                    timeout: PT60S
                    inputSchema: {type: object, properties: {release: {type: string}}}
                    request: {method: POST, url: "%s/deploy", body: {release: "{{input.release}}"}}
                """.formatted(targetUrl));
        List<String> arguments = List.of("--spring.mongodb.uri=" + store.connectionString() + "/opsplane",
                "--opsplane.data-dir=" + dataDir, "--opsplane.tools.file=" + toolsFile);
        int port = freePort();
        commandSide = startCommandSideProcess(port, arguments);
        String base = "http://127.0.0.1:" + port;
        String adminKey = awaitStarted(base);

        String healthcheck = submit(base, adminKey, "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\""
                + targetUrl + "/hang\",\"timeoutMs\":30000}}");
        await(() -> healthchecks.get() == 1, "the health check reached its target");
        // Executions sharing a runner segment run one after the other: submit until one is in flight.
        List<String> deploys = new ArrayList<>();
        String inFlight = null;
        while (inFlight == null && deploys.size() < 6) {
            String deploy = submit(base, adminKey, "{\"tool\":\"app.deploy\",\"input\":{\"release\":\"r" + deploys.size() + "\"}}");
            deploys.add(deploy);
            if (awaitQuietly(() -> deploysByKey.containsKey("opsplane-" + deploy + ":request"), Duration.ofSeconds(5))) {
                inFlight = deploy;
            }
        }
        assertThat(inFlight).as("a deploy in flight").isNotNull();

        commandSide.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        released.countDown();
        List<String> restartArguments = new ArrayList<>(arguments);
        restartArguments.add("--server.port=0");
        restarted = CommandSideApplication.builder().run(restartArguments.toArray(String[]::new));
        EventStore events = restarted.getBean(EventStore.class);

        ExecutionView resumed = awaitOutcome(events, healthcheck);
        assertThat(resumed.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(attempts(events, healthcheck)).as(events.readEvents(healthcheck).asStream()
                .map(e -> e.getPayload().toString()).toList().toString()).containsExactly(1, 2);
        assertThat(healthchecks.get()).isEqualTo(2);

        ExecutionView interrupted = awaitOutcome(events, inFlight);
        assertThat(interrupted.status()).isEqualTo(ExecutionStatus.UNKNOWN);
        assertThat(interrupted.error().code()).isEqualTo("outcome_unknown");
        assertThat(interrupted.error().message()).contains("not idempotent");
        assertThat(deploysByKey.get("opsplane-" + inFlight + ":request")).hasValue(1);
        for (String queued : deploys.subList(0, deploys.size() - 1)) {
            assertThat(awaitOutcome(events, queued).status()).isIn(ExecutionStatus.SUCCEEDED, ExecutionStatus.UNKNOWN);
            assertThat(deploysByKey.get("opsplane-" + queued + ":request")).hasValueLessThanOrEqualTo(1);
        }
        assertThat(events.readEvents("catalog").asStream().count()).as("the unchanged catalogue is not published again")
                .isEqualTo(1);
    }

    private Process startCommandSideProcess(int port, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-Daxoniq.update-checker.disabled=true",
                "-cp", System.getProperty("java.class.path"),
                CommandSideApplication.class.getName(),
                "--server.port=" + port));
        command.addAll(arguments);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("command-side.log").toFile())
                .start();
    }

    private String awaitStarted(String base) throws Exception {
        Instant deadline = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(deadline)) {
            assertThat(commandSide.isAlive()).as("the command side process is running; see its log in "
                    + dataDir.resolve("command-side.log")).isTrue();
            Path keyFile = dataDir.resolve("admin-key");
            if (Files.exists(keyFile)) {
                String key = Files.readString(keyFile).trim();
                try {
                    int status = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/executions"))
                            .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode();
                    if (status != 401) {
                        return key;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the command side did not start in time; see " + dataDir.resolve("command-side.log"));
    }

    private static String submit(String base, String key, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/executions?wait=0"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode execution = JSON.readTree(response.body());
        return execution.path("executionId").asText();
    }

    private static ExecutionView awaitOutcome(EventStore events, String executionId) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            ExecutionView view = fold(events, executionId);
            if (view != null && view.status() != ExecutionStatus.RUNNING) {
                return view;
            }
            assertThat(Instant.now()).as("execution " + executionId + " has an outcome in time").isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private static ExecutionView fold(EventStore events, String executionId) {
        ExecutionView view = null;
        for (DomainEventMessage<?> event : events.readEvents(executionId).asStream().toList()) {
            view = ExecutionViewReducer.apply(view, event.getPayload(), event.getTimestamp(), event.getSequenceNumber());
        }
        return view;
    }

    private static List<Integer> attempts(EventStore events, String executionId) {
        return events.readEvents(executionId).asStream().map(DomainEventMessage::getPayload)
                .filter(ExecutionStartedEvent.class::isInstance)
                .map(started -> ((ExecutionStartedEvent) started).attempt()).toList();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        assertThat(awaitQuietly(condition, Duration.ofSeconds(30))).as(what).isTrue();
    }

    private static boolean awaitQuietly(BooleanSupplier condition, Duration within)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
