package io.opsplane.command.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.opsplane.command.CommandSideApplication;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command side started for real on a random port against an in-memory MongoDB-compatible store, with its
 * bootstrap admin key, helpers to issue keys and to call it over HTTP. Request bodies are JSON text (text blocks in
 * the tests); what the helpers build themselves they build with Jackson, never by escaping strings.
 */
public final class CommandSideUnderTest implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MongoServer store;
    private final ConfigurableApplicationContext app;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final String adminKey;

    private CommandSideUnderTest(Path dataDir, Map<String, Object> beans, List<String> properties) {
        store = new MongoServer(new MemoryBackend());
        String storeUri = "mongodb://127.0.0.1:" + store.bind().getPort() + "/opsplane";
        // As arguments, because default properties rank below command-side.yml.
        List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--spring.mongodb.uri=" + storeUri,
                "--opsplane.data-dir=" + dataDir));
        properties.stream().map(property -> "--" + property).forEach(arguments::add);
        app = CommandSideApplication.builder()
                .initializers(context -> beans.forEach(context.getBeanFactory()::registerSingleton))
                .run(arguments.toArray(String[]::new));
        baseUrl = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        try {
            adminKey = Files.readString(dataDir.resolve("admin-key")).trim();
            Credentials.awaitProjected(app, adminKey);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A command side keeping its files in {@code dataDir}, configured by {@code properties} ({@code name=value}). */
    public static CommandSideUnderTest start(Path dataDir, String... properties) {
        return with(dataDir).start(properties);
    }

    /** To register beans (test tools) before the command side starts. */
    public static Starter with(Path dataDir) {
        return new Starter(dataDir);
    }

    /** The bootstrap admin key the command side wrote into its data directory. */
    public String adminKey() {
        return adminKey;
    }

    /** Issues a human key for {@code principal} with {@code scopes}, and waits until the command side accepts it. */
    public String issueKey(String principal, String... scopes) {
        ObjectNode request = JSON.createObjectNode().put("name", principal).put("principal", principal)
                .put("kind", "human");
        Arrays.stream(scopes).forEach(request.putArray("scopes")::add);
        return issueKey(request.toString());
    }

    /** Issues a key from a whole {@code POST /v1/api-keys} body, and waits until the command side accepts it. */
    public String issueKey(String requestJson) {
        HttpResponse<String> response = post("/v1/api-keys", adminKey, requestJson);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        String key = json(response).path("key").asText();
        try {
            Credentials.awaitProjected(app, key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return key;
    }

    /** A JSON {@code POST}, with {@code key} as bearer token unless null and extra headers as name, value pairs. */
    public HttpResponse<String> post(String path, String key, String body, String... headers) {
        try {
            return JsonPost.send(http, baseUrl, path, key, body, headers);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path, String key) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET(), key);
    }

    public HttpResponse<String> delete(String path, String key) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).DELETE(), key);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String key) {
        request.timeout(Duration.ofSeconds(30));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The body of {@code response} as JSON. */
    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A bean of the running application, for tests that must look behind the HTTP API (the store, the events). */
    public <T> T bean(Class<T> type) {
        return app.getBean(type);
    }

    public ConfigurableApplicationContext context() {
        return app;
    }

    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public void close() {
        app.close();
        store.shutdownNow();
    }

    /** Collects beans to register before the start. */
    public static final class Starter {

        private final Path dataDir;
        private final Map<String, Object> beans = new LinkedHashMap<>();

        private Starter(Path dataDir) {
            this.dataDir = dataDir;
        }

        public Starter bean(String name, Object bean) {
            beans.put(name, bean);
            return this;
        }

        public CommandSideUnderTest start(String... properties) {
            return new CommandSideUnderTest(dataDir, beans, List.of(properties));
        }
    }
}
