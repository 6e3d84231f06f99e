package io.opsplane.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsplane.command.CommandSideApplication;
import io.opsplane.localrun.EmbeddedStore;
import io.opsplane.query.QuerySideApplication;
import io.opsplane.standalone.SharedTomcat;
import io.opsplane.standalone.SharedTomcat.Side;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The whole system in one JVM, as {@code ./opsplane run} assembles it from processes: an
 * embedded store, and the command side and the query side in one Tomcat whose base URL routes to them, as
 * {@code ./opsplane run} starts them.
 */
final class RunningSystem implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private EmbeddedStore store;
    private ConfigurableApplicationContext commandSide;
    private ConfigurableApplicationContext querySide;
    private SharedTomcat tomcat;
    private String adminKey;
    /** For {@link #perClass}: the data directory it made, and the command side's arguments. */
    private Path ownDataDir;
    private final String[] perClassArguments;

    private RunningSystem(String[] perClassArguments) {
        this.perClassArguments = perClassArguments;
    }

    /**
     * The system for one test class, as a JUnit extension: started before the class's first test (and before its own
     * {@code @BeforeAll} methods) on a data directory of its own, stopped after its last, the directory removed.
     * {@code @RegisterExtension static final RunningSystem system = RunningSystem.perClass();}
     */
    static RunningSystem perClass(String... commandSideArguments) {
        return new RunningSystem(commandSideArguments);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ownDataDir = Files.createTempDirectory("opsplane-system-test");
        launch(ownDataDir, new String[0], perClassArguments);
        awaitAccepted(adminKey);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
        try (Stream<Path> files = Files.walk(ownDataDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private RunningSystem(Path dataDir, String[] bothSidesArguments, String... commandSideArguments) throws IOException {
        this.perClassArguments = new String[0];
        launch(dataDir, bothSidesArguments, commandSideArguments);
    }

    private void launch(Path dataDir, String[] bothSidesArguments, String... commandSideArguments) throws IOException {
        store = EmbeddedStore.inMemory();
        String uri = "--spring.mongodb.uri=" + store.connectionString() + "/opsplane";
        tomcat = SharedTomcat.start();
        commandSide = tomcat.run(Side.COMMAND, CommandSideApplication.builder(), Stream.of(
                Stream.of("--server.port=0", uri, "--opsplane.data-dir=" + dataDir), Stream.of(bothSidesArguments),
                Stream.of(commandSideArguments)).flatMap(s -> s).toArray(String[]::new));
        querySide = tomcat.run(Side.QUERY, QuerySideApplication.builder(), Stream.concat(
                Stream.of("--server.port=0", uri, "--opsplane.data-dir=" + dataDir), Stream.of(bothSidesArguments))
                .toArray(String[]::new));
        tomcat.open(0);
        adminKey = Files.readString(dataDir.resolve("admin-key")).trim();
    }

    /** Starts the system; {@code commandSideArguments} configure the command side further ({@code --opsplane.tools.file=}). */
    static RunningSystem start(Path dataDir, String... commandSideArguments) throws Exception {
        return started(new RunningSystem(dataDir, new String[0], commandSideArguments));
    }

    /** Starts the system with arguments for both sides, e.g. {@code --opsplane.rate-limit.burst=100000}. */
    static RunningSystem startWithBothSides(Path dataDir, String... bothSidesArguments) throws Exception {
        return started(new RunningSystem(dataDir, bothSidesArguments));
    }

    private static RunningSystem started(RunningSystem system) throws Exception {
        system.awaitAccepted(system.adminKey);
        return system;
    }

    int basePort() {
        return tomcat.port();
    }


    String adminKey() {
        return adminKey;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + tomcat.port();
    }

    HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30)).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String key, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(70))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path, String key) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Authorization", "Bearer " + key)
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Issues a key through the API; it works on both sides as soon as this returns. */
    JsonNode issueKey(String body) throws Exception {
        HttpResponse<String> response = post("/v1/api-keys", adminKey, body);
        if (response.statusCode() != 201) {
            throw new IllegalStateException("issuing a key failed: " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The command side's application context, for tests that reach behind the API (tampering with the store). */
    ConfigurableApplicationContext commandSide() {
        return commandSide;
    }

    ConfigurableApplicationContext querySide() {
        return querySide;
    }

    /** The base URLs of the command side and of the query side themselves, bypassing the base URL. */
    String commandSideUrl() {
        return "http://127.0.0.1:" + port(commandSide);
    }

    String querySideUrl() {
        return "http://127.0.0.1:" + port(querySide);
    }

    /** Waits until the bootstrap admin key, installed while the command side starts, authenticates on both sides. */
    private void awaitAccepted(String key) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            int query = get("/v1/executions?limit=1", key).statusCode();
            int command = post("/v1/executions", key, "{}").statusCode();
            if (query != 401 && command != 401) {
                return;
            }
            Thread.sleep(25);
        }
        throw new IllegalStateException("the key was not accepted by both sides in time");
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    @Override
    public void close() {
        // In reverse order of start, whatever had started (a start that failed half-way leaves the rest null).
        AutoCloseable baseUrl = tomcat == null ? null : tomcat::closeBaseUrl;
        for (AutoCloseable part : new AutoCloseable[]{baseUrl, querySide, commandSide, tomcat, store}) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception e) {
                    throw new IllegalStateException("could not stop " + part, e);
                }
            }
        }
    }
}
