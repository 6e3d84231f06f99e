package io.opsplane.query.metrics;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import io.opsplane.query.replay.ReadModels;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.springframework.data.mongodb.core.query.Criteria.where;

/**
 * The pre-aggregated metrics: one document per tool and minute, and one per tool and hour, holding counters and a
 * duration histogram; where each execution is counted ({@link ExecutionTally}); the tools ever seen. Every counter
 * update is guarded by the event's position, read by {@code _id} before the write, so a redelivered event (positions
 * arrive in order) counts once; this projection is the only writer of its collections. Every read and write selects
 * by {@code _id} alone, which both stores serve from the index (the embedded store scans for any other filter).
 */
@Component
class MetricsStore {

    static final String BUCKETS = "metrics_buckets";
    static final String EXECUTIONS = "metrics_executions";
    static final String TOOLS = "metrics_tools";
    static final String LAST_POSITION = "lastPosition";
    static final String PENDING = "pending|*";
    private static final String REQUEST_PREFIX = "approval:";

    private final MongoTemplate mongo;
    /** The tools stored in each physical tools collection (a replay builds another), as this instance wrote them. */
    private final Map<String, Set<String>> knownTools = new ConcurrentHashMap<>();

    MetricsStore(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /**
     * Writes a batch of counted events. Each bucket takes the changes of the events after the position it has
     * counted up to (read first, in one {@code $in}), summed, in one bulk write guarded by that position; then the
     * tallies and the tools seen. A bucket's fields and position come out as if the events had been applied one by
     * one, whatever the batch boundaries, so a replay rebuilds identical documents. The tallies are written last,
     * each only past the position {@code tallied} says it had when the batch read it (this projection is their only
     * writer, so that read is still the stored state): an event redelivered after a crash in between recomputes
     * the same changes from the tallies it left unchanged, and the buckets that already took them skip them by
     * their position.
     */
    void write(List<MetricsBatch.Counted> events, Map<String, ExecutionTally> tallies, Map<String, Long> tallied,
               Map<String, Instant> toolsSeen) {
        List<Map<String, BucketChanges.Bucket>> perEvent = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        for (MetricsBatch.Counted event : events) {
            Map<String, BucketChanges.Bucket> changed = event.changes().nonZero();
            perEvent.add(changed);
            keys.addAll(changed.keySet());
        }
        Map<String, Long> counted = lastPositions(BUCKETS, keys);
        Map<String, Pending> pending = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            long position = events.get(i).position();
            perEvent.get(i).forEach((key, bucket) -> {
                if (position > counted.getOrDefault(key, -1L)) {
                    pending.computeIfAbsent(key, k -> new Pending(bucket, position)).add(bucket.deltas(), position);
                }
            });
        }
        List<WriteModel<Document>> updates = new ArrayList<>();
        // By _id alone: the embedded store serves only a filter that is exactly a unique key from its index, and
        // scans the collection for anything more. The guard is the position read above; this processor is the
        // buckets' only writer.
        pending.forEach((key, bucket) -> updates.add(new UpdateOneModel<>(
                new Document("_id", key),
                new Document("$inc", new Document(bucket.deltas))
                        .append("$set", new Document(LAST_POSITION, bucket.last))
                        .append("$setOnInsert", new Document("tool", bucket.bucket.tool())
                                .append("start", Date.from(bucket.bucket.start()))),
                new UpdateOptions().upsert(true))));
        bulk(BUCKETS, updates);
        List<WriteModel<Document>> tallyUpdates = new ArrayList<>();
        tallies.forEach((executionId, tally) -> {
            if (tally.position() > tallied.getOrDefault(executionId, -1L)) {
                tallyUpdates.add(new UpdateOneModel<>(new Document("_id", executionId),
                        new Document("$set", tally.toDocument()), new UpdateOptions().upsert(true)));
            }
        });
        bulk(EXECUTIONS, tallyUpdates);
        // A tool stored once stays (until the read model is deleted): known ones are not written again.
        Set<String> known = knownTools.computeIfAbsent(ReadModels.collection(TOOLS),
                collection -> ConcurrentHashMap.newKeySet());
        List<WriteModel<Document>> tools = new ArrayList<>();
        toolsSeen.forEach((tool, at) -> {
            if (!known.contains(tool)) {
                tools.add(new UpdateOneModel<>(new Document("_id", tool),
                        new Document("$setOnInsert", new Document("since", Date.from(at))),
                        new UpdateOptions().upsert(true)));
            }
        });
        bulk(TOOLS, tools);
        known.addAll(toolsSeen.keySet());
    }

    /** One bucket's summed changes in a batch, and the first and last position that changed it. */
    private static final class Pending {

        final BucketChanges.Bucket bucket;
        final long first;
        long last;
        final Map<String, Object> deltas = new LinkedHashMap<>();

        Pending(BucketChanges.Bucket bucket, long first) {
            this.bucket = bucket;
            this.first = first;
        }

        void add(Map<String, Long> changes, long position) {
            changes.forEach((field, delta) -> deltas.merge(field, delta, (a, b) -> (Long) a + (Long) b));
            last = position;
        }
    }

    /** The positions the documents with these keys have counted up to, read by {@code _id $in}. */
    private Map<String, Long> lastPositions(String collection, Collection<String> keys) {
        Map<String, Long> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        mongo.getCollection(ReadModels.collection(collection))
                .find(new Document("_id", new Document("$in", new ArrayList<>(keys))))
                .projection(new Document(LAST_POSITION, 1))
                .forEach(document -> {
                    if (document.get(LAST_POSITION) instanceof Number position) {
                        found.put(document.getString("_id"), position.longValue());
                    }
                });
        return found;
    }

    /** A bulk of guarded upserts; a duplicate key means a guard found the change applied already. */
    private void bulk(String collection, List<WriteModel<Document>> writes) {
        if (writes.isEmpty()) {
            return;
        }
        try {
            mongo.getCollection(ReadModels.collection(collection))
                    .bulkWrite(writes, new BulkWriteOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            if (e.getWriteErrors().stream().anyMatch(error -> error.getCode() != 11000)) {
                throw e;
            }
        }
    }

    /** Where the metrics last counted each of these executions: one {@code _id $in} read, every id a key. */
    Map<String, Optional<ExecutionTally>> tallies(Collection<String> executionIds) {
        Map<String, Optional<ExecutionTally>> found = new HashMap<>();
        executionIds.forEach(id -> found.put(id, Optional.empty()));
        if (!executionIds.isEmpty()) {
            mongo.getCollection(ReadModels.collection(EXECUTIONS))
                    .find(new Document("_id", new Document("$in", new ArrayList<>(executionIds))))
                    .forEach(document -> found.put(document.getString("_id"),
                            Optional.of(ExecutionTally.of(document))));
        }
        return found;
    }

    /** Where the metrics last counted an execution, if they have seen it. */
    Optional<ExecutionTally> tally(String executionId) {
        return Optional.ofNullable(mongo.findById(executionId, Document.class, ReadModels.collection(EXECUTIONS)))
                .map(ExecutionTally::of);
    }

    private void guardedInc(String id, String tool, Instant start, long position, Update counters) {
        Update update = Update.fromDocument(new Document(counters.getUpdateObject()))
                .set(LAST_POSITION, position).setOnInsert("tool", tool).setOnInsert("start", start);
        // The guard read by _id, the update by _id alone (a filter with more than the key scans on the embedded
        // store); this processor is the buckets' only writer.
        if (position <= lastPositions(BUCKETS, List.of(id)).getOrDefault(id, -1L)) {
            return; // counted this position (or a later one) already: a redelivery changes nothing
        }
        mongo.upsert(new Query(where("_id").is(id)), update, ReadModels.collection(BUCKETS));
    }

    /**
     * Adds {@code delta} to the number of approval requests pending now (not windowed), once per position. The
     * counter lives with the buckets so that a replay rebuilds it with them.
     */
    void adjustPending(long position, long delta) {
        guardedInc(PENDING, "*", Instant.EPOCH, position, new Update().inc("pending", delta));
    }

    long pending() {
        Document found = mongo.findById(PENDING, Document.class, ReadModels.collection(BUCKETS));
        return found == null || found.get("pending") == null ? 0 : ((Number) found.get("pending")).longValue();
    }

    void rememberRequest(String requestId, String tool, Instant requestedAt) {
        mongo.upsert(new Query(where("_id").is(REQUEST_PREFIX + requestId)),
                new Update().set("tool", tool).set("requestedAt", requestedAt.toEpochMilli()),
                ReadModels.collection(EXECUTIONS));
    }

    /** The tool and request time of an approval request, if its request was seen. */
    Optional<Document> request(String requestId) {
        return Optional.ofNullable(mongo.findById(REQUEST_PREFIX + requestId, Document.class,
                ReadModels.collection(EXECUTIONS)));
    }

    List<String> tools() {
        return mongo.findAll(Document.class, ReadModels.collection(TOOLS)).stream()
                .map(document -> document.getString("_id")).sorted().toList();
    }

    /** The buckets with these keys: one {@code _id $in} read, whatever the number of executions. */
    List<Document> buckets(Collection<String> keys) {
        List<Document> found = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        for (String key : keys) {
            batch.add(key);
            if (batch.size() == 5000) {
                found.addAll(mongo.find(new Query(where("_id").in(batch)), Document.class,
                        ReadModels.collection(BUCKETS)));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            found.addAll(mongo.find(new Query(where("_id").in(batch)), Document.class, ReadModels.collection(BUCKETS)));
        }
        return found;
    }

    void deleteAll() {
        for (String collection : List.of(BUCKETS, EXECUTIONS, TOOLS)) {
            mongo.remove(new Query(), ReadModels.collection(collection));
        }
        knownTools.remove(ReadModels.collection(TOOLS));
    }

    static String minuteKey(String tool, Instant minute) {
        return "m|" + tool + "|" + minute;
    }

    static String hourKey(String tool, Instant hour) {
        return "h|" + tool + "|" + hour;
    }
}
