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
import org.bson.RawBsonDocument;
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
import java.util.ArrayList;
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
    /** Copies of the store's file, each as a kill -9 would leave it. */
    @TempDir
    Path killedCopies;

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
    void aNewStoreKeepsDocumentsAsBsonAndEveryValueTypeComesBackAsStored() {
        Document stored = new Document("_id", new org.bson.types.ObjectId())
                .append("text", "Grüße, 日本").append("int", 42).append("long", 1L << 40)
                .append("double", 0.1).append("decimal", new org.bson.types.Decimal128(new java.math.BigDecimal("12.30")))
                .append("flag", true).append("nothing", null).append("when", new java.util.Date(1_700_000_000_123L))
                .append("bytes", new org.bson.types.Binary(new byte[]{0, 1, (byte) 0xff}))
                .append("uuid", java.util.UUID.fromString("0b5f1c1e-8a8e-4d8c-9d3e-2f4b6a7c8d9e"))
                .append("timestamp", new org.bson.BsonTimestamp(1_700_000_000, 7))
                .append("nested", new Document("list", List.of(1, "two", new Document("three", 3.0), List.of()))
                        .append("empty", new Document()));
        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0);
             MongoClient client = MongoClients.create(store.connectionString("opsplane")
                     + "&uuidRepresentation=standard")) {
            client.getDatabase("opsplane").getCollection("things").insertOne(stored);
        }
        try (org.h2.mvstore.MVStore file = new org.h2.mvstore.MVStore.Builder()
                .fileName(dataDir.resolve("store").resolve(EmbeddedStore.STORE_FILE).toString()).readOnly().open()) {
            assertThat(CommitOnWriteH2Backend.isBson(file)).as("the file carries the BSON mark").isTrue();
        }
        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0);
             MongoClient client = MongoClients.create(store.connectionString("opsplane")
                     + "&uuidRepresentation=standard")) {
            Document read = client.getDatabase("opsplane").getCollection("things").find().first();
            assertThat(read).isEqualTo(stored);
        }
    }

    /**
     * Pages split by the documents' real size: when MVStore under-estimated them, a collection's leaf page grew with
     * the collection, and every commit (one per write) wrote that whole page again: a gigabyte after a few thousand
     * small writes. Written one by one as the applications write, 3,000 documents of about 1 KB stay within a bound
     * set by the page size, not the collection's.
     */
    @Test
    void writesOneByOneKeepTheFileBoundedByThePageSizeNotTheCollectionSize() throws IOException {
        String padding = "x".repeat(900);
        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0);
             MongoClient client = MongoClients.create(store.connectionString("opsplane"))) {
            MongoCollection<Document> events = client.getDatabase("opsplane").getCollection("events");
            for (int i = 0; i < 3000; i++) {
                events.insertOne(new Document("_id", (long) i).append("payload", padding));
            }
            // 35 MiB measured with 4 KB pages, 76-83 MiB with 16 KB (MVStore keeps replaced chunks for 45 s); the
            // unbounded pages made gigabytes.
            assertThat(Files.size(store.file())).as("bytes in the store file after 3,000 writes")
                    .isLessThan(128L * 1024 * 1024);
        }
    }

    @Test
    void aUniqueIndexOfABsonStoreTreatsEqualNumbersAsOneKeyAndFindsKeysAfterReopening() {
        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0);
             MongoClient client = MongoClients.create(store.connectionString("opsplane"))) {
            MongoCollection<Document> events = client.getDatabase("opsplane").getCollection("events");
            events.createIndex(Indexes.ascending("aggregateId", "sequence"), new IndexOptions().unique(true));
            IntStream.range(0, 300).forEach(i -> events.insertOne(event("agg-" + (i % 7), i)));
            assertThatThrownBy(() -> events.insertOne(new Document("aggregateId", "agg-0").append("sequence", 0.0)))
                    .isInstanceOf(MongoWriteException.class).hasMessageContaining("E11000");
        }
        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0);
             MongoClient client = MongoClients.create(store.connectionString("opsplane"))) {
            MongoCollection<Document> events = client.getDatabase("opsplane").getCollection("events");
            assertThat(events.find(new Document("aggregateId", "agg-3").append("sequence", 150)).first())
                    .isNotNull().extracting(d -> d.get("sequence")).isEqualTo(150);
            assertThat(events.find(new Document("aggregateId", "agg-3").append("sequence", 151)).first()).isNull();
            assertThatThrownBy(() -> events.insertOne(event("agg-5", 299)))
                    .isInstanceOf(MongoWriteException.class).hasMessageContaining("E11000");
            events.insertOne(event("agg-5", 300));
            assertThat(events.countDocuments()).isEqualTo(301);
        }
    }

    @Test
    void updatesOfABsonStoreAreWhatAReopenedStoreReads() {
        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0);
             MongoClient client = MongoClients.create(store.connectionString("opsplane"))) {
            MongoCollection<Document> buckets = client.getDatabase("opsplane").getCollection("buckets");
            buckets.insertMany(IntStream.range(0, 40).mapToObj(i -> new Document("_id", "b" + i).append("version", 0L))
                    .toList());
            for (int round = 0; round < 25; round++) {
                for (int i = 0; i < 40; i += 3) {
                    buckets.findOneAndUpdate(new Document("_id", "b" + i),
                            new Document("$inc", new Document("version", 1L)).append("$set", new Document("round", round)));
                }
            }
            assertThat(buckets.find(new Document("_id", "b3")).first()).containsEntry("version", 25L);
        }
        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0);
             MongoClient client = MongoClients.create(store.connectionString("opsplane"))) {
            MongoCollection<Document> buckets = client.getDatabase("opsplane").getCollection("buckets");
            for (int i = 0; i < 40; i++) {
                Document bucket = buckets.find(new Document("_id", "b" + i)).first();
                assertThat(bucket).as("b%d", i).containsEntry("version", i % 3 == 0 ? 25L : 0L);
                assertThat(bucket.get("round")).as("b%d", i).isEqualTo(i % 3 == 0 ? 24 : null);
            }
        }
    }

    /**
     * The size a collection reports is counted when asked, not kept up at every write: it is the size of the
     * documents as they are after inserts, updates and deletes, and after a reopen.
     */
    @Test
    void aCollectionsReportedSizeIsThatOfItsDocumentsAsTheyAreNow() {
        long sizeBefore;
        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0);
             MongoClient client = MongoClients.create(store.connectionString("opsplane"))) {
            MongoDatabase database = client.getDatabase("opsplane");
            MongoCollection<Document> nodes = database.getCollection("nodes");
            nodes.insertMany(IntStream.range(0, 10).mapToObj(i -> new Document("_id", "n" + i).append("e", "x"))
                    .toList());
            long small = reportedSize(database, "nodes");
            nodes.updateOne(new Document("_id", "n1"), new Document("$set", new Document("e", "x".repeat(1000))));
            long grown = reportedSize(database, "nodes");
            assertThat(grown - small).isEqualTo(999);
            nodes.deleteOne(new Document("_id", "n2"));
            sizeBefore = reportedSize(database, "nodes");
            assertThat(sizeBefore).isLessThan(grown)
                    .isEqualTo(nodes.find().into(new ArrayList<>()).stream()
                            .mapToLong(document -> RawBsonDocument.parse(document.toJson())
                                    .getByteBuffer().remaining()).sum());
        }
        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0);
             MongoClient client = MongoClients.create(store.connectionString("opsplane"))) {
            assertThat(reportedSize(client.getDatabase("opsplane"), "nodes")).isEqualTo(sizeBefore);
        }
    }

    private static long reportedSize(MongoDatabase database, String collection) {
        return database.runCommand(new Document("collStats", collection)).get("size", Number.class).longValue();
    }

    @Test
    void aStoreWrittenByAnEarlierVersionIsServedInItsOwnEncoding() {
        Path file = dataDir.resolve("store").resolve(EmbeddedStore.STORE_FILE);
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // As earlier versions wrote it: the library's H2 backend, values in Java serialisation, no format mark.
        de.bwaldvogel.mongo.MongoServer earlier = new de.bwaldvogel.mongo.MongoServer(
                new de.bwaldvogel.mongo.backend.h2.H2Backend(file.toString()));
        java.net.InetSocketAddress address = earlier.bind();
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort())) {
            MongoCollection<Document> events = client.getDatabase("opsplane").getCollection("events");
            events.createIndex(Indexes.ascending("aggregateId", "sequence"), new IndexOptions().unique(true));
            events.insertMany(List.of(event("a", 0), event("a", 1)));
        } finally {
            earlier.shutdown();
        }

        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0);
             MongoClient client = MongoClients.create(store.connectionString("opsplane"))) {
            MongoCollection<Document> events = client.getDatabase("opsplane").getCollection("events");
            assertThat(events.countDocuments()).isEqualTo(2);
            assertThat(events.find(new Document("aggregateId", "a").append("sequence", 1)).first()).isNotNull();
            assertThatThrownBy(() -> events.insertOne(event("a", 1)))
                    .isInstanceOf(MongoWriteException.class).hasMessageContaining("E11000");
            events.insertOne(event("a", 2));
        }
        try (org.h2.mvstore.MVStore reopened = new org.h2.mvstore.MVStore.Builder().fileName(file.toString())
                .readOnly().open()) {
            assertThat(CommitOnWriteH2Backend.isBson(reopened)).isFalse();
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
            try (java.util.stream.Stream<Path> files = Files.list(dataDir.resolve("store"))) {
                List<Path> all = files.toList();
                assertThat(all).as("the file, the connection file and the redo log's segment")
                        .anySatisfy(path -> assertThat(path.getFileName().toString()).startsWith(RedoLog.PREFIX));
                for (Path file : all) {
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
                            .isEqualTo("rw-------");
                }
            }
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

    /**
     * Collections named lazy (the local run names its read models) are committed by the next write to any other
     * collection, which is how a read model gets committed with the processor token written after it: a copy of the
     * file taken while the store runs is what a kill -9 would leave.
     */
    @Test
    void lazilyCommittedWritesAreInTheFileOnceAWriteElsewhereIsAcknowledged() throws IOException {
        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0);
             MongoClient client = MongoClients.create(store.connectionString("opsplane"))) {
            store.commitLazily((command, collection) -> collection.equals("views"));
            MongoDatabase database = client.getDatabase("opsplane");
            for (int i = 0; i < 20; i++) {
                database.getCollection("views").insertOne(new Document("_id", i));
            }
            database.getCollection("views").updateOne(new Document("_id", 0), new Document("$set",
                    new Document("seen", true)));
            database.getCollection("views").deleteOne(new Document("_id", 19));
            database.getCollection("tokens").insertOne(new Document("_id", "processor").append("position", 19));

            Path killed = fileAsAKillLeavesIt(store);
            try (EmbeddedStore reopened = EmbeddedStore.onDisk(killed, 0);
                 MongoClient reader = MongoClients.create(reopened.connectionString("opsplane"))) {
                MongoDatabase after = reader.getDatabase("opsplane");
                assertThat(after.getCollection("views").countDocuments()).isEqualTo(19);
                assertThat(after.getCollection("views").find(new Document("_id", 0)).first())
                        .containsEntry("seen", true);
                assertThat(after.getCollection("tokens").find().first()).containsEntry("position", 19);
            }
        }
    }

    /**
     * Writers acknowledged at the same time share commits (a commit saves every change made before it started), so a
     * writer whose change another's commit saved is answered without a commit of its own: every acknowledged write
     * must still be in the file.
     */
    @Test
    void everyWriteAcknowledgedToConcurrentWritersIsInTheFile() throws Exception {
        int writers = 8;
        int writesEach = 60;
        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0);
             MongoClient client = MongoClients.create(store.connectionString("opsplane"))) {
            MongoCollection<Document> events = client.getDatabase("opsplane").getCollection("events");
            events.createIndex(Indexes.ascending("aggregateId", "sequence"), new IndexOptions().unique(true));
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
            try {
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    String aggregate = "agg-" + w;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < writesEach; i++) {
                            events.insertOne(event(aggregate, i));
                        }
                    }));
                }
                for (java.util.concurrent.Future<?> writer : done) {
                    writer.get();
                }
            } finally {
                pool.shutdownNow();
            }

            try (EmbeddedStore reopened = EmbeddedStore.onDisk(fileAsAKillLeavesIt(store), 0);
                 MongoClient reader = MongoClients.create(reopened.connectionString("opsplane"))) {
                MongoCollection<Document> after = reader.getDatabase("opsplane").getCollection("events");
                assertThat(after.countDocuments()).isEqualTo((long) writers * writesEach);
                for (int w = 0; w < writers; w++) {
                    assertThat(after.find(new Document("aggregateId", "agg-" + w).append("sequence", writesEach - 1))
                            .first()).as("the last write of writer %d", w).isNotNull();
                }
            }
        }
    }

    /**
     * Writes left to a later commit by the command as well as by the collection: a position reservation
     * ({@code findAndModify} on the counter) is saved by the next commit, while other changes to the same collection
     * commit at once.
     */
    @Test
    void aRuleByCommandLeavesOnlyThatCommandsWritesToALaterCommit() throws IOException {
        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0);
             MongoClient client = MongoClients.create(store.connectionString("opsplane"))) {
            store.commitLazily((command, collection) -> command.equals("findandmodify") && collection.equals("counters"));
            MongoCollection<Document> counters = client.getDatabase("opsplane").getCollection("counters");
            counters.insertOne(new Document("_id", "pointer").append("at", 1));
            counters.insertOne(new Document("_id", "reserved").append("n", 0));
            counters.findOneAndUpdate(new Document("_id", "reserved"), new Document("$inc", new Document("n", 5)));
            counters.updateOne(new Document("_id", "pointer"), new Document("$set", new Document("at", 2)));

            try (EmbeddedStore reopened = EmbeddedStore.onDisk(fileAsAKillLeavesIt(store), 0);
                 MongoClient reader = MongoClients.create(reopened.connectionString("opsplane"))) {
                MongoCollection<Document> after = reader.getDatabase("opsplane").getCollection("counters");
                assertThat(after.find(new Document("_id", "pointer")).first()).containsEntry("at", 2);
                assertThat(after.find(new Document("_id", "reserved")).first())
                        .as("saved by the update's commit, which came after it").containsEntry("n", 5);
            }
        }
    }

    /** With no other write, the store's housekeeping saves a lazily committed write within about a second. */
    @Test
    void aLazilyCommittedWriteReachesTheFileWithinSecondsWithNoOtherWrite() throws Exception {
        try (EmbeddedStore store = EmbeddedStore.onDisk(dataDir, 0);
             MongoClient client = MongoClients.create(store.connectionString("opsplane"))) {
            store.commitLazily((command, collection) -> collection.equals("views"));
            client.getDatabase("opsplane").getCollection("views").insertOne(new Document("_id", "only"));

            long deadline = System.nanoTime() + 30_000_000_000L;
            long found = 0;
            while (found == 0 && System.nanoTime() < deadline) {
                Thread.sleep(250);
                try (EmbeddedStore reopened = EmbeddedStore.onDisk(fileAsAKillLeavesIt(store), 0);
                     MongoClient reader = MongoClients.create(reopened.connectionString("opsplane"))) {
                    found = reader.getDatabase("opsplane").getCollection("views").countDocuments();
                }
            }
            assertThat(found).isEqualTo(1);
        }
    }

    /** A data directory holding a copy of the running store's file as it is now. */
    private Path fileAsAKillLeavesIt(EmbeddedStore store) throws IOException {
        Path copy = Files.createTempDirectory(killedCopies, "killed");
        store.copyAsAKillLeaves(copy);
        return copy;
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
