package io.opsplane.query.index;

import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import io.opsplane.query.replay.ReadModels;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Many ordered lists of ids in one collection, each a radix tree over a long key (a creation position, an expiry) with
 * 256 children per node, stored one document per node. A node's {@code _id} is {@code list|level|prefix}: the leaf
 * {@code list|0|key>>8} holds the entries whose keys share that prefix; a directory node one level up holds, per
 * non-empty child, a range of times ({@code lo}, {@code hi}; coarser higher up, see {@link #RANGE_GRAIN}) that holds
 * the times of the entries below it, so that a time range prunes whole subtrees. Reading a page walks from the root
 * down along the cursor, fetching nodes by exact {@code _id} or {@code _id $in}: its cost depends on the page and the
 * tree's height, never on how many entries the lists hold, on MongoDB and on the embedded store alike (which serve no
 * other access from an index).
 * <p>
 * Writes are collected in {@link Changes} and applied together, merged per node: one read and one bulk write per batch.
 * Every write is idempotent (a set, an unset, a {@code $min}/{@code $max}, a delete), so a batch applied again after a
 * crash changes nothing; a directory node is written only when a child's range outgrows what it holds or a child comes
 * or goes. Removing the last entry of a node removes it from its parent, so empty subtrees are never visited. A list
 * has one writer at a time (its projection's single segment); readers may run at any time and see each node's state of
 * the moment.
 */
public final class KeyedIndex {

    private static final int BITS = 8;
    private static final String ENTRIES = "e";
    private static final String CHILDREN = "c";
    /**
     * How finely each directory level records its children's time ranges, in ms: exactly just above the leaves, so
     * that a time window reads only the leaves it overlaps; in whole seconds one level up and whole minutes above
     * that, where a child spans 65,536 keys or more. A range only prunes subtrees (the leaves filter exactly), so a
     * wider one is as correct, and it changes far less often: a new entry at the head of a list rewrites the node
     * above its leaf, the next one up about once a second and the rest about once a minute.
     */
    private static final long[] RANGE_GRAIN = {1, 1, 1_000, 60_000};

    private final MongoTemplate mongo;
    private final String collection;
    private final int levels;

    /**
     * @param collection the base name of the collection (a replayable read model's, see {@link ReadModels})
     * @param keyBits    keys lie in {@code 0 .. 2^keyBits - 1}; the tree has {@code keyBits / 8} levels
     */
    public KeyedIndex(MongoTemplate mongo, String collection, int keyBits) {
        if (keyBits % BITS != 0 || keyBits < 2 * BITS) {
            throw new IllegalArgumentException("keyBits must be a multiple of 8, at least 16");
        }
        this.mongo = mongo;
        this.collection = collection;
        this.levels = keyBits / BITS;
    }

    /** An entry of a list: its key, the id it points to, and its time in epoch milliseconds. */
    public record Entry(long key, String id, long at) {

        static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::key).thenComparing(Entry::id);
    }

    /** Where a page starts: strictly after this key and id, in the page's direction. */
    public record After(long key, String id) {
    }

    /**
     * A page request: the list, the direction ({@code newestFirst}: descending keys), where the previous page ended,
     * the entries' time range ({@code since} inclusive, {@code until} exclusive, epoch ms, either null) and how many.
     */
    public record Page(String list, boolean descending, After after, Long since, Long until, int limit) {
    }

    public Changes changes() {
        return new Changes();
    }

    /** Up to {@code page.limit()} entries of the list, in the page's order. */
    public List<Entry> read(Page page) {
        List<Entry> found = new ArrayList<>();
        Document root = mongo.getCollection(physical()).find(new Document("_id", nodeId(page.list(), levels - 1, 0)))
                .first();
        if (root != null) {
            visit(page, levels - 1, root, found);
        }
        return found;
    }

    private void visit(Page page, int level, Document node, List<Entry> found) {
        if (level == 0) {
            takeEntries(page, node, found);
            return;
        }
        List<Long> children = children(page, level, node);
        // Siblings are fetched together, in windows that double, so sparse lists cost few round trips.
        int window = 4;
        for (int start = 0; start < children.size() && found.size() < page.limit(); start += window, window *= 2) {
            List<Long> slice = children.subList(start, Math.min(children.size(), start + window));
            Map<Object, Document> byId = new LinkedHashMap<>();
            List<String> ids = slice.stream().map(prefix -> nodeId(page.list(), level - 1, prefix)).toList();
            mongo.getCollection(physical()).find(new Document("_id", new Document("$in", ids)))
                    .forEach(document -> byId.put(document.get("_id"), document));
            for (String id : ids) {
                Document child = byId.get(id);
                if (child != null && found.size() < page.limit()) {
                    visit(page, level - 1, child, found);
                }
            }
        }
    }

    /** The children of a directory node that may hold entries of the page, in the page's order. */
    private List<Long> children(Page page, int level, Document node) {
        Document children = node.get(CHILDREN, Document.class);
        if (children == null) {
            return List.of();
        }
        int shift = BITS * level;
        Long bound = page.after() == null ? null : page.after().key() >> shift;
        List<Long> prefixes = new ArrayList<>();
        children.forEach((prefixText, summary) -> {
            long prefix = Long.parseLong(prefixText);
            Document range = (Document) summary;
            boolean afterCursor = bound == null || (page.descending() ? prefix <= bound : prefix >= bound);
            boolean inTime = (page.since() == null || number(range, "hi") >= page.since())
                    && (page.until() == null || number(range, "lo") < page.until());
            if (afterCursor && inTime) {
                prefixes.add(prefix);
            }
        });
        prefixes.sort(page.descending() ? Comparator.reverseOrder() : Comparator.naturalOrder());
        return prefixes;
    }

    private static void takeEntries(Page page, Document leaf, List<Entry> found) {
        Document entries = leaf.get(ENTRIES, Document.class);
        if (entries == null) {
            return;
        }
        List<Entry> candidates = new ArrayList<>();
        entries.forEach((field, value) -> candidates.add(entryOf(field, value)));
        candidates.sort(page.descending() ? Entry.ORDER.reversed() : Entry.ORDER);
        Predicate<Entry> afterCursor = entry -> {
            if (page.after() == null) {
                return true;
            }
            int order = Entry.ORDER.compare(entry, new Entry(page.after().key(), page.after().id(), 0));
            return page.descending() ? order < 0 : order > 0;
        };
        for (Entry entry : candidates) {
            if (found.size() >= page.limit()) {
                return;
            }
            boolean inTime = (page.since() == null || entry.at() >= page.since())
                    && (page.until() == null || entry.at() < page.until());
            if (inTime && afterCursor.test(entry)) {
                found.add(entry);
            }
        }
    }

    /**
     * Applies the changes in one read and one write: one {@code _id $in} read of every directory node above a
     * changed leaf and of every leaf that only loses entries; then, computed level by level from what was read, the
     * leaves' updates, the deletion of nodes left empty (and their removal from their parents), and the directory
     * ranges a child outgrew, in one ordered bulk write, leaves first. A crash part way redelivers the batch, which
     * reads what was written and completes it: every write is idempotent, and a node that is gone counts as empty.
     */
    public void apply(Changes changes) {
        if (changes.isEmpty()) {
            return;
        }
        Map<String, Document> stored = read(changes);
        List<WriteModel<Document>> writes = new ArrayList<>();
        Map<String, NodeChange> level = changes.leaves;
        for (int depth = 0; depth < levels && !level.isEmpty(); depth++) {
            String field = depth == 0 ? ENTRIES : CHILDREN;
            Set<String> emptied = new HashSet<>();
            for (NodeChange change : level.values()) {
                Document node = stored.get(change.id());
                if (!change.adds() && holdsNothingAfter(node, field, change.unset)) {
                    emptied.add(change.id());
                    if (node != null) {
                        writes.add(new DeleteOneModel<>(new Document("_id", change.id())));
                    }
                } else {
                    writes.add(new UpdateOneModel<>(new Document("_id", change.id()), change.update(),
                            new UpdateOptions().upsert(change.adds())));
                }
            }
            if (depth == levels - 1) {
                break;
            }
            int parentLevel = depth + 1;
            Map<String, NodeChange> parents = new TreeMap<>();
            for (NodeChange change : level.values()) {
                NodeChange parent = parents.computeIfAbsent(nodeId(change.list, parentLevel, change.prefix >> BITS),
                        id -> new NodeChange(change.list, parentLevel, change.prefix >> BITS));
                String childField = CHILDREN + "." + change.prefix;
                if (emptied.contains(change.id())) {
                    parent.unset.add(childField);
                } else if (change.lo != null) {
                    parent.extend(childField, change.lo, change.hi);
                }
            }
            // A child range the stored node already covers needs no write; a node left with nothing to change is not
            // written, and nothing above it changes (the coarse ranges above a head leaf change about once a minute).
            parents.values().forEach(parent -> {
                Document node = stored.get(parent.id());
                Document children = node == null ? null : node.get(CHILDREN, Document.class);
                if (children != null) {
                    parent.dropCoveredBy(children);
                }
            });
            parents.values().removeIf(NodeChange::isEmpty);
            level = parents;
        }
        if (!writes.isEmpty()) {
            mongo.getCollection(physical()).bulkWrite(writes);
        }
    }

    /** The stored nodes {@link #apply} decides from: every directory above a changed leaf, and shrinking leaves. */
    private Map<String, Document> read(Changes changes) {
        Set<String> ids = new LinkedHashSet<>();
        for (NodeChange leaf : changes.leaves.values()) {
            if (!leaf.adds()) {
                ids.add(leaf.id());
            }
            long prefix = leaf.prefix;
            for (int level = 1; level < levels; level++) {
                prefix >>= BITS;
                ids.add(nodeId(leaf.list, level, prefix));
            }
        }
        Map<String, Document> stored = new HashMap<>();
        if (!ids.isEmpty()) {
            mongo.getCollection(physical()).find(new Document("_id", new Document("$in", List.copyOf(ids))))
                    .forEach(node -> stored.put(node.getString("_id"), node));
        }
        return stored;
    }

    /** Whether a node (null: gone) holds nothing in {@code field} once {@code removed} (dotted paths) are unset. */
    private static boolean holdsNothingAfter(Document node, String field, Set<String> removed) {
        Document content = node == null ? null : node.get(field, Document.class);
        if (content == null) {
            return true;
        }
        return content.keySet().stream().allMatch(key -> removed.contains(field + "." + key));
    }

    /**
     * An entry as a leaf holds it: its field name spells key and id ({@link Changes#field}), its value is its time.
     * Leaves written before 7 December 2026 hold {@code {k, id, at}} documents instead, read as they are; the store
     * copies and re-encodes a whole leaf at each update, and a number per entry is a third of the bytes and no
     * document to copy.
     */
    private static Entry entryOf(String field, Object value) {
        if (value instanceof Document entry) {
            return new Entry(number(entry, "k"), entry.getString("id"), number(entry, "at"));
        }
        int tilde = field.indexOf('~');
        return new Entry(Long.parseLong(field.substring(0, tilde)),
                new String(Base64.getUrlDecoder().decode(field.substring(tilde + 1)), StandardCharsets.UTF_8),
                ((Number) value).longValue());
    }

    /** Deletes every list. */
    public void deleteAll() {
        mongo.getCollection(physical()).deleteMany(new Document());
    }

    private String physical() {
        return ReadModels.collection(collection);
    }

    private String nodeId(String list, int level, long prefix) {
        return list + "|" + level + "|" + prefix;
    }

    private static long number(Document document, String field) {
        return ((Number) document.get(field)).longValue();
    }

    /** Entries to add to and remove from lists, merged per node until {@link #apply}. */
    public final class Changes {

        private final Map<String, NodeChange> leaves = new LinkedHashMap<>();

        public Changes add(String list, long key, String id, long at) {
            leaf(list, key).set(ENTRIES + "." + field(key, id), at, at);
            return this;
        }

        public Changes remove(String list, long key, String id) {
            leaf(list, key).remove(ENTRIES + "." + field(key, id));
            return this;
        }

        public boolean isEmpty() {
            return leaves.isEmpty();
        }

        private NodeChange leaf(String list, long key) {
            if (key < 0 || key >> (BITS * levels) != 0) {
                throw new IllegalArgumentException("key " + key + " outside the index's range");
            }
            long prefix = key >> BITS;
            return leaves.computeIfAbsent(nodeId(list, 0, prefix), id -> new NodeChange(list, 0, prefix));
        }

        /** A field name for an entry: MongoDB field names may not hold {@code .} or start with {@code $}. */
        private static String field(long key, String id) {
            return key + "~" + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(id.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** What one batch does to one node. */
    private final class NodeChange {

        final String list;
        final int level;
        final long prefix;
        final Map<String, Object> set = new LinkedHashMap<>();
        final Set<String> unset = new LinkedHashSet<>();
        final Map<String, long[]> ranges = new LinkedHashMap<>();
        Long lo;
        Long hi;

        NodeChange(String list, int level, long prefix) {
            this.list = list;
            this.level = level;
            this.prefix = prefix;
        }

        String id() {
            return nodeId(list, level, prefix);
        }

        void set(String field, Object value, long at) {
            unset.remove(field);
            set.put(field, value);
            widen(at, at);
        }

        void remove(String field) {
            set.remove(field);
            unset.add(field);
        }

        void extend(String field, long childLo, long childHi) {
            long grain = RANGE_GRAIN[Math.min(level, RANGE_GRAIN.length - 1)];
            long lo = Math.floorDiv(childLo, grain) * grain;
            long hi = Math.floorDiv(childHi, grain) * grain + grain - 1;
            ranges.merge(field, new long[] {lo, hi},
                    (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            widen(lo, hi);
        }

        /** Forgets the ranges the stored children already cover; recomputes this node's own widening from the rest. */
        void dropCoveredBy(Document children) {
            ranges.entrySet().removeIf(entry -> {
                Object stored = children.get(entry.getKey().substring(CHILDREN.length() + 1));
                if (!(stored instanceof Document range)) {
                    return false;
                }
                long[] wanted = entry.getValue();
                return number(range, "lo") <= wanted[0] && number(range, "hi") >= wanted[1];
            });
            lo = null;
            hi = null;
            ranges.values().forEach(range -> widen(range[0], range[1]));
        }

        private void widen(long from, long to) {
            lo = lo == null ? from : Math.min(lo, from);
            hi = hi == null ? to : Math.max(hi, to);
        }

        boolean isEmpty() {
            return !adds() && unset.isEmpty();
        }

        boolean adds() {
            return !set.isEmpty() || !ranges.isEmpty();
        }

        Document update() {
            Document update = new Document();
            if (!set.isEmpty()) {
                update.append("$set", new Document(set));
            }
            if (!unset.isEmpty()) {
                Document fields = new Document();
                unset.forEach(field -> fields.append(field, ""));
                update.append("$unset", fields);
            }
            if (!ranges.isEmpty()) {
                Document min = new Document();
                Document max = new Document();
                ranges.forEach((field, range) -> {
                    min.append(field + ".lo", range[0]);
                    max.append(field + ".hi", range[1]);
                });
                update.append("$min", min).append("$max", max);
            }
            return update;
        }
    }
}
