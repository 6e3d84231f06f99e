package io.opsplane.query.index;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.MongoTemplate;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KeyedIndexTest {

    private MongoServer server;
    private MongoClient client;
    private MongoTemplate mongo;
    private KeyedIndex index;

    @BeforeEach
    void startStore() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
        mongo = new MongoTemplate(client, "index-test");
        index = new KeyedIndex(mongo, "lists", 32);
    }

    @AfterEach
    void stopStore() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void pagesNewestFirstAcrossLeavesWithoutDuplicatesOrHoles() {
        KeyedIndex.Changes changes = index.changes();
        List<Long> all = new ArrayList<>();
        List<Long> sparse = new ArrayList<>();
        for (long key = 3; key < 200_000; key += 97) {
            changes.add("all", key, "id-" + key, 1_000 + key);
            all.add(0, key);
            if (key % 50 == 0) {
                changes.add("sparse", key, "id-" + key, 1_000 + key);
                sparse.add(0, key);
            }
        }
        index.apply(changes);

        assertThat(readAll("all", true, 37)).containsExactlyElementsOf(all);
        assertThat(readAll("sparse", true, 5)).containsExactlyElementsOf(sparse).isNotEmpty();
        assertThat(readAll("nothing", true, 5)).isEmpty();
        List<Long> ascending = new ArrayList<>(all);
        java.util.Collections.reverse(ascending);
        assertThat(readAll("all", false, 500)).containsExactlyElementsOf(ascending);
    }

    @Test
    void ordersEqualKeysByIdAndResumesBetweenThem() {
        KeyedIndex.Changes changes = index.changes();
        for (String id : List.of("c", "a", "b")) {
            changes.add("inbox", 5_000, id, 1);
        }
        changes.add("inbox", 4_000, "z", 1);
        index.apply(changes);

        List<String> ids = new ArrayList<>();
        KeyedIndex.After after = null;
        do {
            List<KeyedIndex.Entry> page = index.read(new KeyedIndex.Page("inbox", false, after, null, null, 1));
            page.forEach(entry -> ids.add(entry.id()));
            after = page.isEmpty() ? null : new KeyedIndex.After(page.get(0).key(), page.get(0).id());
        } while (after != null);

        assertThat(ids).containsExactly("z", "a", "b", "c");
    }

    @Test
    void removingTheLastEntriesOfASubtreeRemovesItFromItsParents() {
        KeyedIndex.Changes changes = index.changes();
        changes.add("running", 10, "old", 1).add("running", 70_000, "new", 2);
        index.apply(changes);
        long nodes = mongo.getCollection("lists").countDocuments();

        index.apply(index.changes().remove("running", 10, "old"));

        assertThat(ids(index.read(new KeyedIndex.Page("running", true, null, null, null, 10)))).containsExactly("new");
        // The old entry's leaf and the directory node above it are gone; the next one up no longer names them.
        assertThat(mongo.getCollection("lists").countDocuments()).isEqualTo(nodes - 2);
        Document shared = mongo.getCollection("lists").find(new Document("_id", "running|2|0")).first();
        assertThat(shared.get("c", Document.class).keySet()).containsExactly("1");
        assertThat(mongo.getCollection("lists").find(new Document("_id", "running|0|0")).first()).isNull();
        assertThat(mongo.getCollection("lists").find(new Document("_id", "running|1|0")).first()).isNull();

        index.apply(index.changes().remove("running", 70_000, "new"));
        assertThat(mongo.getCollection("lists").countDocuments()).isZero();
    }

    @Test
    void filtersByTimeExactlyAlsoWhenTimesAreOutOfKeyOrder() {
        KeyedIndex.Changes changes = index.changes();
        for (long key = 0; key < 5_000; key++) {
            // Times rise with keys, except every 1000th entry, stamped far in the past.
            changes.add("all", key, "id-" + key, key % 1000 == 999 ? 5 : 100_000 + key);
        }
        index.apply(changes);

        List<KeyedIndex.Entry> between = readEntries(new KeyedIndex.Page("all", true, null, 101_000L, 101_010L, 100));
        assertThat(between).extracting(KeyedIndex.Entry::key).containsExactly(1009L, 1008L, 1007L, 1006L, 1005L, 1004L,
                1003L, 1002L, 1001L, 1000L);
        List<KeyedIndex.Entry> early = readEntries(new KeyedIndex.Page("all", true, null, null, 100L, 100));
        assertThat(early).extracting(KeyedIndex.Entry::key).containsExactly(4999L, 3999L, 2999L, 1999L, 999L);
    }

    /**
     * A leaf holds each entry as its time under a field that spells key and id; leaves written before held an
     * {@code {k, id, at}} document per entry. Both read alike, in one leaf too, and both are removed the same way.
     */
    @Test
    void entriesAreTimesUnderTheirKeyAndIdAndLeavesOfTheEarlierFormReadAlike() {
        index.apply(index.changes().add("all", 7, "new id", 1_007));
        Document leaf = mongo.getCollection("lists").find(new Document("_id", "all|0|0")).first();
        assertThat(leaf.get("e", Document.class)).containsExactly(Map.entry("7~bmV3IGlk", 1_007L));

        // An entry of the earlier form, beside it in the same leaf and in a leaf of its own.
        mongo.getCollection("lists").updateOne(new Document("_id", "all|0|0"), new Document("$set",
                new Document("e.5~b2xk", new Document("k", 5L).append("id", "old").append("at", 1_005L))));
        index.apply(index.changes().add("all", 600, "next", 1_600));
        mongo.getCollection("lists").updateOne(new Document("_id", "all|0|2"), new Document("$set",
                new Document("e.520~ZWFybGllcg", new Document("k", 520L).append("id", "earlier").append("at", 1_600L))));

        assertThat(readEntries(new KeyedIndex.Page("all", true, null, null, null, 10))).containsExactly(
                new KeyedIndex.Entry(600, "next", 1_600), new KeyedIndex.Entry(520, "earlier", 1_600),
                new KeyedIndex.Entry(7, "new id", 1_007), new KeyedIndex.Entry(5, "old", 1_005));
        assertThat(readEntries(new KeyedIndex.Page("all", false, null, 1_006L, 1_601L, 10)))
                .extracting(KeyedIndex.Entry::id).containsExactly("new id", "earlier", "next");

        index.apply(index.changes().remove("all", 5, "old").remove("all", 520, "earlier"));
        assertThat(ids(index.read(new KeyedIndex.Page("all", true, null, null, null, 10))))
                .containsExactly("next", "new id");
    }

    @Test
    void applyingTheSameChangesAgainChangesNothing() {
        KeyedIndex.Changes changes = index.changes();
        changes.add("all", 1, "a", 1).add("all", 300, "b", 2).remove("all", 300, "b").add("all", 70_000, "c", 3);
        index.apply(changes);
        List<Document> once = mongo.getCollection("lists").find().into(new ArrayList<>());

        index.apply(changes);

        assertThat(mongo.getCollection("lists").find().into(new ArrayList<>())).isEqualTo(once);
        assertThat(ids(index.read(new KeyedIndex.Page("all", true, null, null, null, 10)))).containsExactly("c", "a");
    }

    @Test
    void directoriesAreWrittenOnlyWhenAChildOutgrowsTheRangeTheyHold() {
        // Keys 1000.. share leaf 3 (under all|1|0, all|2|0, the root all|3|0); key 90000 is leaf 351 (under all|1|1).
        index.apply(index.changes().add("all", 1_000, "first", 120_000).add("all", 1_010, "later", 150_000)
                .add("all", 90_000, "far", 150_000));
        List<Object> written = new ArrayList<>();
        recordUpdatedIds(written);

        // Times within the exact ranges the leaves' parents hold: only the leaves change.
        index.apply(index.changes().add("all", 1_001, "second", 130_000).add("all", 90_001, "near", 150_000));
        assertThat(written).containsExactlyInAnyOrder("all|0|3", "all|0|351");

        // Beyond the leaf's exact range but within the second its grandparent holds: two levels.
        written.clear();
        index.apply(index.changes().add("all", 1_002, "third", 150_500));
        assertThat(written).containsExactly("all|0|3", "all|1|0");

        // A later minute: every level up to the root.
        written.clear();
        index.apply(index.changes().add("all", 1_003, "fourth", 200_000));
        assertThat(written).containsExactly("all|0|3", "all|1|0", "all|2|0", "all|3|0");
        Document root = mongo.getCollection("lists").find(new Document("_id", "all|3|0")).first();
        assertThat(root.get("c", Document.class).get("0", Document.class))
                .isEqualTo(new Document("lo", 120_000L).append("hi", 239_999L));
        Document parent = mongo.getCollection("lists").find(new Document("_id", "all|1|0")).first();
        assertThat(parent.get("c", Document.class).get("3", Document.class))
                .isEqualTo(new Document("lo", 120_000L).append("hi", 200_000L));
        assertThat(readEntries(new KeyedIndex.Page("all", true, null, 150_001L, 200_000L, 10)))
                .extracting(KeyedIndex.Entry::id).containsExactly("third");
    }

    @Test
    void aBatchReadsTheNodesItDecidesFromOnceAndWritesInOneBulkWrite() {
        index.apply(index.changes().add("running", 10, "a", 1).add("running", 70_000, "b", 2)
                .add("all", 10, "a", 1).add("all", 70_000, "b", 2));
        List<String> commands = new ArrayList<>();
        record(event -> commands.add(event.getCommandName()));

        // One leaf emptied (and so removed up its chain), one grown, in two lists.
        index.apply(index.changes().remove("running", 10, "a").add("all", 11, "c", 3));

        assertThat(commands).filteredOn("find"::equals).hasSize(1);
        assertThat(commands).containsOnly("find", "update", "delete");
        assertThat(commands.get(0)).isEqualTo("find");
        assertThat(ids(index.read(new KeyedIndex.Page("running", true, null, null, null, 10)))).containsExactly("b");
        assertThat(ids(index.read(new KeyedIndex.Page("all", true, null, null, null, 10))))
                .containsExactly("b", "c", "a");
        assertThat(mongo.getCollection("lists").find(new Document("_id", "running|0|0")).first()).isNull();
    }

    /** Records the {@code _id} of every node an update command of the index selects from now on. */
    private void recordUpdatedIds(List<Object> written) {
        record(event -> {
            if (event.getCommandName().equals("update")) {
                event.getCommand().getArray("updates").forEach(update -> written.add(
                        update.asDocument().getDocument("q").getString("_id").getValue()));
            }
        });
    }

    /** Sends every command the index issues from now on to {@code listener} as well. */
    private void record(java.util.function.Consumer<com.mongodb.event.CommandStartedEvent> listener) {
        client.close();
        client = MongoClients.create(com.mongodb.MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString("mongodb://" + server.getLocalAddress()
                        .getHostString() + ":" + server.getLocalAddress().getPort()))
                .addCommandListener(new com.mongodb.event.CommandListener() {
                    @Override
                    public void commandStarted(com.mongodb.event.CommandStartedEvent event) {
                        listener.accept(event);
                    }
                }).build());
        mongo = new MongoTemplate(client, "index-test");
        index = new KeyedIndex(mongo, "lists", 32);
    }

    private List<Long> readAll(String list, boolean descending, int limit) {
        List<Long> keys = new ArrayList<>();
        KeyedIndex.After after = null;
        while (true) {
            List<KeyedIndex.Entry> page = index.read(new KeyedIndex.Page(list, descending, after, null, null, limit));
            page.forEach(entry -> keys.add(entry.key()));
            if (page.size() < limit) {
                return keys;
            }
            KeyedIndex.Entry last = page.get(page.size() - 1);
            after = new KeyedIndex.After(last.key(), last.id());
        }
    }

    private List<KeyedIndex.Entry> readEntries(KeyedIndex.Page page) {
        return index.read(page);
    }

    private static List<String> ids(List<KeyedIndex.Entry> entries) {
        return entries.stream().map(KeyedIndex.Entry::id).toList();
    }
}
