package io.opsplane.localrun;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(120)
class EmbeddedStoreTest {

    private static final Pattern READY = Pattern.compile("Embedded store ready on mongodb://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dataDir;

    @Test
    void inMemoryStoreAnswersOnAFreeLoopbackPort() {
        try (EmbeddedStore store = EmbeddedStore.inMemory();
             MongoClient client = MongoClients.create(store.connectionString())) {
            client.getDatabase("opsplane").getCollection("things").insertOne(new Document("_id", "a"));

            assertThat(store.connectionString()).isEqualTo("mongodb://127.0.0.1:" + store.port());
            assertThat(store.file()).isNull();
            assertThat(client.getDatabase("opsplane").getCollection("things").countDocuments()).isEqualTo(1);
        }
    }

    @Test
    void documentsAndUniqueIndexesSurviveCloseAndReopen() {
        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0);
             MongoClient client = MongoClients.create(store.connectionString("opsplane"))) {
            MongoCollection<Document> events = client.getDatabase("opsplane").getCollection("events");
            events.createIndex(Indexes.ascending("aggregateId", "sequence"), new IndexOptions().unique(true));
            events.insertMany(List.of(event("a", 0), event("a", 1), event("b", 0)));
        }

        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0);
             MongoClient client = MongoClients.create(store.connectionString("opsplane"))) {
            MongoCollection<Document> events = client.getDatabase("opsplane").getCollection("events");

            assertThat(store.file()).isEqualTo(dataDir.resolve("store").resolve(EmbeddedStore.STORE_FILE));
            assertThat(events.countDocuments()).isEqualTo(3);
            assertThatThrownBy(() -> events.insertOne(event("a", 1)))
                    .isInstanceOf(MongoWriteException.class)
                    .hasMessageContaining("E11000");
        }
    }

    @Test
    void aSecondStoreOnTheSameDataDirectoryIsRefused() {
        try (EmbeddedStore first = EmbeddedStore.onDisk(dataDir, 0)) {
            assertThatThrownBy(() -> EmbeddedStore.onDisk(dataDir, 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another store process");
            assertThat(first.port()).isPositive();
        }
    }

    @Test
    void aTakenPortIsReportedAsSuch() {
        try (EmbeddedStore first = EmbeddedStore.inMemory()) {
            assertThatThrownBy(() -> EmbeddedStore.onDisk(dataDir, first.port()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port taken");
        }
        // The refused store released its file: the directory can be opened again.
        try (EmbeddedStore again = EmbeddedStore.onDisk(dataDir, 0)) {
            assertThat(again.port()).isPositive();
        }
    }

    @Test
    void theOnDiskStoreServesNothingToAClientWithoutItsCredential() {
        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0)) {
            try (MongoClient owner = MongoClients.create(store.connectionString("opsplane"))) {
                owner.getDatabase("opsplane").getCollection("api_credentials").insertOne(new Document("_id", "key_1"));
            }
            try (MongoClient anonymous = MongoClients.create(store.connectionString())) {
                MongoDatabase database = anonymous.getDatabase("opsplane");
                assertThat(database.runCommand(new Document("ping", 1)).get("ok")).isEqualTo(1.0);
                assertThatThrownBy(() -> database.getCollection("api_credentials").find().first())
                        .isInstanceOfSatisfying(MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(13));
                assertThatThrownBy(() -> database.getCollection("api_credentials").insertOne(new Document("_id", "forged")))
                        .isInstanceOfSatisfying(MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(13));
                assertThatThrownBy(() -> anonymous.listDatabaseNames().first())
                        .isInstanceOfSatisfying(MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(13));
            }
            String wrongPassword = store.connectionString("opsplane").replaceFirst(":[^:@/]+@", ":not-the-password@");
            try (MongoClient guesser = MongoClients.create(wrongPassword)) {
                assertThatThrownBy(() -> guesser.getDatabase("opsplane").getCollection("api_credentials").find().first())
                        .isInstanceOf(MongoSecurityException.class);
            }
            try (MongoClient owner = MongoClients.create(store.connectionString("opsplane"))) {
                assertThat(owner.getDatabase("opsplane").getCollection("api_credentials").countDocuments())
                        .as("the refused insert wrote nothing").isEqualTo(1);
            }
        }
    }

    @Test
    void everyFileOfTheStoreIsPrivateAndThePasswordChangesAtEveryStart() throws IOException {
        String first;
        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0)) {
            Path connectionFile = dataDir.resolve("store").resolve(EmbeddedStore.CONNECTION_FILE);
            first = Files.readString(connectionFile).trim();
            assertThat(first).isEqualTo(store.connectionString("opsplane")).contains("@127.0.0.1:" + store.port() + "/");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("store"))))
                    .isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(connectionFile))).isEqualTo("rw-------");
        }
        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0)) {
            assertThat(store.connectionString("opsplane")).isNotEqualTo(first);
        }
    }

    /**
     * The stock H2 backend commits in the background about once a second; these writes are
     * acknowledged and the process is killed well within that second, so they survive only
     * because the store commits before it acknowledges.
     */
    @Test
    void acknowledgedWritesSurviveKillDashNineOfTheStoreProcess() throws Exception {
        Process child = new ProcessBuilder(javaExecutable(), "-cp", System.getProperty("java.class.path"),
                LocalRun.class.getName(), "store", "--data-dir", dataDir.toString(), "--port", "0")
                .redirectErrorStream(true)
                .start();
        try {
            awaitReadyPort(child);
            String uri = Files.readString(dataDir.resolve("store").resolve(EmbeddedStore.CONNECTION_FILE)).trim();
            try (MongoClient client = MongoClients.create(uri)) {
                MongoCollection<Document> events = client.getDatabase("opsplane").getCollection("events");
                events.createIndex(Indexes.ascending("aggregateId", "sequence"), new IndexOptions().unique(true));
                for (int i = 0; i < 50; i++) {
                    events.insertOne(event("agg-" + i, 0));
                }
                events.updateOne(new Document("aggregateId", "agg-0"), new Document("$set", new Document("seen", true)));
                events.deleteOne(new Document("aggregateId", "agg-49"));
                child.destroyForcibly();
                child.waitFor();
            }
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).isEqualTo(137);

        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0);
             MongoClient client = MongoClients.create(store.connectionString("opsplane"))) {
            MongoCollection<Document> events = client.getDatabase("opsplane").getCollection("events");

            assertThat(events.countDocuments()).isEqualTo(49);
            assertThat(events.find(new Document("aggregateId", "agg-0")).first()).containsEntry("seen", true);
            assertThat(events.find(new Document("aggregateId", "agg-48")).first()).isNotNull();
            assertThatThrownBy(() -> events.insertOne(event("agg-1", 0))).hasMessageContaining("E11000");
        }
    }

    private static int awaitReadyPort(Process child) throws IOException {
        BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = output.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher ready = READY.matcher(line);
            if (ready.find()) {
                Thread drain = new Thread(() -> output.lines().forEach(ignored -> { }));
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(ready.group(1));
            }
        }
        throw new AssertionError("the store process ended before it was ready:\n" + seen);
    }

    private static String javaExecutable() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(java) ? java.toString() : "java";
    }

    private static Document event(String aggregateId, int sequence) {
        return new Document("aggregateId", aggregateId).append("sequence", sequence)
                .append("payload", IntStream.range(0, 10).mapToObj(Integer::toString).toList());
    }
}
