package io.opsplane.query.support;

import com.mongodb.event.CommandListener;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.opsplane.platform.auth.ApiKeyCredential;
import io.opsplane.platform.auth.ApiKeySecrets;
import io.opsplane.platform.auth.CredentialStore;
import io.opsplane.platform.auth.KeyPepper;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.apikey.ApiKeyIssuedEvent;
import io.opsplane.api.apikey.Scope;
import io.opsplane.platform.store.EventPositions;
import io.opsplane.query.QuerySideApplication;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The query side started for real on a random port against an in-memory MongoDB-compatible
 * store (or a MongoDB given to it), with helpers to seed events and keys and to call it over HTTP.
 */
public final class QuerySideUnderTest implements AutoCloseable {

    /** The aggregate type the command side records execution events under. */
    public static final String EXECUTION_AGGREGATE = "ToolExecution";

    private final MongoServer mongoServer;
    private final ConfigurableApplicationContext context;
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<String, Long> nextSequence = new HashMap<>();
    private final String baseUrl;
    private final Path dataDir;
    private int issuedKeys;

    private QuerySideUnderTest(String mongoUri, CommandListener listener, String... properties) {
        String uri = mongoUri;
        if (uri == null) {
            mongoServer = new MongoServer(new MemoryBackend());
            InetSocketAddress address = mongoServer.bind();
            uri = "mongodb://" + address.getHostString() + ":" + address.getPort() + "/opsplane-test";
        } else {
            mongoServer = null;
        }
        // As arguments, because default properties rank below query-side.yml.
        try {
            dataDir = Files.createTempDirectory("opsplane-query-side-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> arguments = new ArrayList<>(List.of("--spring.mongodb.uri=" + uri, "--server.port=0",
                "--opsplane.data-dir=" + dataDir));
        Arrays.stream(properties).map(property -> "--" + property).forEach(arguments::add);
        SpringApplicationBuilder builder = QuerySideApplication.builder();
        if (listener != null) {
            builder.initializers(context -> context.getBeanFactory().registerSingleton("commandRecorder",
                    (MongoClientSettingsBuilderCustomizer) settings -> settings.addCommandListener(listener)));
        }
        context = builder.run(arguments.toArray(String[]::new));
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        baseUrl = "http://127.0.0.1:" + port;
    }

    public static QuerySideUnderTest start(String... properties) {
        return new QuerySideUnderTest(null, null, properties);
    }

    /** As {@link #start}, with {@code listener} told of every command the application sends to the store. */
    public static QuerySideUnderTest startRecording(CommandListener listener, String... properties) {
        return new QuerySideUnderTest(null, listener, properties);
    }

    /** As {@link #startRecording}, against the MongoDB at {@code mongoUri} (with its database) instead of its own store. */
    public static QuerySideUnderTest startRecordingOn(String mongoUri, CommandListener listener, String... properties) {
        return new QuerySideUnderTest(mongoUri, listener, properties);
    }

    /**
     * Issues a key the platform filter will accept, as the command side does: its {@code apikey.issued}
     * event and its credential row.
     */
    public String issueKey(String principal, String... scopes) {
        return issueKeyForTools(principal, List.of(), scopes);
    }

    /** As {@link #issueKey}, for a key limited to the tool patterns {@code tools}. */
    public String issueKeyForTools(String principal, List<String> tools, String... scopes) {
        String key = ApiKeySecrets.generate();
        String keyId = "key-" + principal.replaceAll("[^a-z0-9]", "-") + "-" + System.nanoTime();
        String keyMac = context.getBean(KeyPepper.class).keyMac(ApiKeySecrets.hash(key));
        ApiKeyIssuedEvent issued = new ApiKeyIssuedEvent(keyId, principal, principal, ActorKind.HUMAN, null,
                Arrays.stream(scopes).map(s -> Scope.fromWireName(s).orElseThrow()).collect(Collectors.toSet()),
                List.copyOf(tools), null, null, null, ApiKeySecrets.displayPrefix(key), ApiKeySecrets.lastFour(key),
                null, keyMac);
        context.getBean(CredentialStore.class).save(ApiKeyCredential.issued(issued, keyMac, Instant.now()));
        append("ApiKey", keyId, Instant.now(), issued);
        issuedKeys++;
        return key;
    }

    /** How many keys {@link #issueKey} issued: each is an {@code apikey.issued} event in the store. */
    public int issuedKeys() {
        return issuedKeys;
    }

    /** Appends events to one execution's stream and returns the position of the last. */
    public long record(String executionId, Object... payloads) {
        return recordAt(Instant.now(), executionId, payloads);
    }

    /** As {@link #record}, with every event timestamped {@code timestamp}. */
    public long recordAt(Instant timestamp, String executionId, Object... payloads) {
        return append(EXECUTION_AGGREGATE, executionId, timestamp, payloads);
    }

    /** Appends events to any aggregate's stream and returns the position of the last. */
    public long append(String aggregateType, String aggregateId, Instant timestamp, Object... payloads) {
        EventStore eventStore = context.getBean(EventStore.class);
        for (Object payload : payloads) {
            long sequence = nextSequence.merge(aggregateId, 1L, Long::sum) - 1;
            eventStore.publish(new GenericDomainEventMessage<>(aggregateType, aggregateId, sequence, payload,
                    Map.of(), UUID.randomUUID().toString(), timestamp));
        }
        return headPosition();
    }

    public long headPosition() {
        return EventPositions.of(context.getBean(EventStore.class).createHeadToken());
    }

    public Response get(String pathAndQuery, String key) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).GET(), key);
    }

    public Response send(HttpRequest.Builder request, String key) {
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            JsonNode body = response.body().isEmpty() || !contentType.contains("json")
                    ? json.missingNode() : json.readTree(response.body());
            return new Response(response.statusCode(), contentType,
                    response.headers().firstValue("Retry-After").orElse(null), body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits (at most 60 s) until {@code GET /v1/admin/replay} no longer reports a running replay, and returns it. */
    public JsonNode awaitReplay(String adminKey) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode progress = get("/v1/admin/replay", adminKey).body();
            if (!progress.path("status").asString().equals("running")) {
                return progress;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("the replay did not finish within 60 s");
    }

    /** What {@code /actuator/prometheus} shows now, to {@code key}. */
    public String prometheus(String key) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/prometheus"))
                    .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A bean of the running application, for tests that must reach behind the HTTP API (tampering with the store). */
    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public void close() {
        context.close();
        if (mongoServer != null) {
            mongoServer.shutdownNow();
        }
    }

    public record Response(int status, String contentType, String retryAfter, JsonNode body) {

        public String code() {
            return body.path("code").asString();
        }
    }
}
