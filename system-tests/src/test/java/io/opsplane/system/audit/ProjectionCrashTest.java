package io.opsplane.system.audit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.execution.ExecutionRequestedEvent;
import io.opsplane.api.execution.ExecutionStartedEvent;
import io.opsplane.api.execution.ExecutionSucceededEvent;
import io.opsplane.api.execution.ToolRef;
import io.opsplane.eventstore.SequencedMongoEventStorageEngine;
import io.opsplane.localrun.EmbeddedStore;
import io.opsplane.query.QuerySideApplication;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.serialization.json.JacksonSerializer;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a separate query-side JVM (SIGKILL) twice while its projections are catching up with 1,800 events, restarts
 * it, and checks that every read model holds every event exactly once: no entry lost, none counted twice.
 */
class ProjectionCrashTest {

    private static final int EXECUTIONS = 600;
    private static final int EVENTS = EXECUTIONS * 3;
    /** The processors that run the projections checked below (executions in "state"; event log and metrics in "history"). */
    private static final List<String> PROCESSORS = List.of("state", "history");
    private static final Pattern INDEX = Pattern.compile("\"index\"\\s*:\\s*(\\d+)");
    /** A fresh processor's token is a replay token until it reaches the head; its position is the current token's. */
    private static final Pattern REPLAY_INDEX =
            Pattern.compile("\"currentToken\"\\s*:\\s*\\{[^}]*\"index\"\\s*:\\s*(\\d+)");

    @TempDir
    Path dataDir;

    private EmbeddedStore store;
    private MongoClient client;
    private MongoDatabase database;
    private Process querySide;

    @BeforeEach
    void start() {
        store = EmbeddedStore.inMemory();
        client = MongoClients.create(store.connectionString());
        database = client.getDatabase("opsplane");
    }

    @AfterEach
    void stop() {
        if (querySide != null) {
            querySide.destroyForcibly();
        }
        client.close();
        store.close();
    }

    @Test
    void projectionsKilledMidwayLoseAndDoubleNothing() throws Exception {
        seed();

        querySide = startQuerySide(1);
        awaitEventLogEntries(EVENTS / 6);
        querySide.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        querySide = startQuerySide(2);
        awaitEventLogEntries(EVENTS / 2);
        querySide.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        querySide = startQuerySide(3);
        awaitProjected(EVENTS - 1);

        Set<Long> positions = new HashSet<>();
        for (Document entry : database.getCollection("eventlog").find()) {
            positions.add(((Number) entry.get("_id")).longValue());
        }
        assertThat(positions).hasSize(EVENTS);
        assertThat(database.getCollection("executions").countDocuments()).isEqualTo(EXECUTIONS);
        for (Document execution : database.getCollection("executions").find()) {
            assertThat(execution.getString("status")).isEqualTo("succeeded");
            assertThat(execution.getString("timeline")).as("timeline of %s", execution.get("_id"))
                    .satisfies(timeline -> assertThat(count(timeline, "\"position\"")).isEqualTo(3));
        }
        long executions = 0;
        long succeeded = 0;
        for (Document bucket : database.getCollection("metrics_buckets").find(new Document("_id",
                new Document("$regex", "^m\\|")))) {
            executions += ((Number) bucket.get("executions", 0)).longValue();
            succeeded += ((Number) bucket.get("succeeded", 0)).longValue();
        }
        assertThat(executions).isEqualTo(EXECUTIONS);
        assertThat(succeeded).isEqualTo(EXECUTIONS);
    }

    private void seed() {
        ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        JacksonSerializer serializer = JacksonSerializer.builder().objectMapper(mapper).build();
        SequencedMongoEventStorageEngine engine = SequencedMongoEventStorageEngine.builder().database(database)
                .eventSerializer(serializer).snapshotSerializer(serializer).build();
        Actor alice = new Actor("key-alice", "alice@example.com", ActorKind.HUMAN, null);
        ToolRef tool = new ToolRef("service.healthcheck", "1.0.0", "sha256:00", true, 1_000);
        Instant now = Instant.now();
        for (int i = 0; i < EXECUTIONS; i++) {
            String id = "crash-" + i;
            engine.appendEvents(
                    message(id, 0, new ExecutionRequestedEvent(id, tool, Map.of("url", "http://example.com"), null,
                            alice, null, "sha256:" + i, null), now),
                    message(id, 1, new ExecutionStartedEvent(id, "runner", 1), now),
                    message(id, 2, new ExecutionSucceededEvent(id, Map.of("status", 200), 40 + i % 50), now));
        }
        assertThat(engine.headPosition()).isEqualTo(EVENTS - 1);
    }

    private static GenericDomainEventMessage<?> message(String id, long sequence, Object payload, Instant at) {
        return new GenericDomainEventMessage<>("ToolExecution", id, sequence, payload, Map.of(),
                UUID.randomUUID().toString(), at);
    }

    private Process startQuerySide(int run) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-Daxoniq.update-checker.disabled=true",
                "-cp", System.getProperty("java.class.path"),
                QuerySideApplication.class.getName(),
                "--server.port=" + port,
                "--spring.mongodb.uri=" + store.connectionString() + "/opsplane",
                "--opsplane.data-dir=" + dataDir,
                // Small batches: more token writes, so a kill lands between a write and its token more often.
                "--opsplane.query.projection-batch-size=7"));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("query-side-" + run + ".log").toFile()).start();
    }

    private void awaitEventLogEntries(long entries) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(120);
        while (database.getCollection("eventlog").countDocuments() < entries) {
            assertThat(querySide.isAlive()).as("the query side runs; see " + dataDir).isTrue();
            assertThat(Instant.now()).as("%d eventlog entries in time", entries).isBefore(deadline);
            Thread.sleep(5);
        }
    }

    private void awaitProjected(long position) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(180);
        for (String processor : PROCESSORS) {
            while (tokenPosition(processor) < position) {
                assertThat(querySide.isAlive()).as("the query side runs; see " + dataDir).isTrue();
                assertThat(Instant.now()).as("%s projected in time", processor).isBefore(deadline);
                Thread.sleep(50);
            }
        }
    }

    private long tokenPosition(String processor) {
        Document entry = database.getCollection("trackingtokens").find(eq("processorName", processor)).first();
        if (entry == null || entry.get("token", Binary.class) == null) {
            return -1;
        }
        String token = new String(entry.get("token", Binary.class).getData(), StandardCharsets.UTF_8);
        Matcher index = (token.contains("tokenAtReset") ? REPLAY_INDEX : INDEX).matcher(token);
        return index.find() ? Long.parseLong(index.group(1)) : -1;
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }
}
