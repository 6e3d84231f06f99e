package io.opsplane.query.metrics;

import io.opsplane.query.replay.ReadModels;
import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import static org.springframework.data.mongodb.core.query.Criteria.where;

/**
 * The pre-aggregated metrics: one document per tool and minute, and one per tool and hour, holding counters and a
 * duration histogram; where each execution is counted ({@link ExecutionTally}); the tools ever seen. Every counter update is guarded by the event's
 * position in the same single-document update, so a redelivered event (positions arrive in order) counts once.
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

    MetricsStore(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** Adds {@code counters} to the minute and the hour buckets of {@code tool} holding {@code at}, once per position. */
    void count(String tool, Instant at, long position, Update counters) {
        Instant minute = at.truncatedTo(ChronoUnit.MINUTES);
        Instant hour = at.truncatedTo(ChronoUnit.HOURS);
        guardedInc(minuteKey(tool, minute), tool, minute, position, counters);
        guardedInc(hourKey(tool, hour), tool, hour, position, counters);
        rememberToolSeen(tool, at);
    }

    /**
     * Applies one execution event: the netted bucket changes, each once per position, then the execution's new tally.
     * The tally is written last, so an event redelivered after a crash in between recomputes the same changes from
     * the tally it left unchanged, and the buckets that already took them skip them by their position.
     */
    void apply(String executionId, BucketChanges changes, ExecutionTally tally, Instant at) {
        changes.nonZero().forEach((key, bucket) -> {
            Update update = new Update();
            bucket.deltas().forEach(update::inc);
            guardedInc(key, bucket.tool(), bucket.start(), tally.position(), update);
        });
        rememberToolSeen(tally.tool(), at);
        Document document = tally.toDocument();
        Update update = new Update();
        document.forEach(update::set);
        try {
            mongo.upsert(new Query(where("_id").is(executionId).and(LAST_POSITION).lt(tally.position())), update,
                    ReadModels.collection(EXECUTIONS));
        } catch (DuplicateKeyException alreadyRecorded) {
            // This position (or a later one) is recorded already.
        }
    }

    /** Where the metrics last counted an execution, if they have seen it. */
    Optional<ExecutionTally> tally(String executionId) {
        return Optional.ofNullable(mongo.findById(executionId, Document.class, ReadModels.collection(EXECUTIONS)))
                .map(ExecutionTally::of);
    }

    private void rememberToolSeen(String tool, Instant at) {
        mongo.upsert(new Query(where("_id").is(tool)), new Update().setOnInsert("since", at), ReadModels.collection(TOOLS));
    }

    private void guardedInc(String id, String tool, Instant start, long position, Update counters) {
        Update update = Update.fromDocument(new Document(counters.getUpdateObject()))
                .set(LAST_POSITION, position).setOnInsert("tool", tool).setOnInsert("start", start);
        try {
            mongo.upsert(new Query(where("_id").is(id).and(LAST_POSITION).lt(position)), update, ReadModels.collection(BUCKETS));
        } catch (DuplicateKeyException alreadyCounted) {
            // The bucket exists and has counted this position (or a later one): a redelivery changes nothing.
        }
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
        return mongo.findAll(Document.class, ReadModels.collection(TOOLS)).stream().map(document -> document.getString("_id")).sorted().toList();
    }

    /** The buckets with these keys: one {@code _id $in} read, whatever the number of executions. */
    List<Document> buckets(Collection<String> keys) {
        List<Document> found = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        for (String key : keys) {
            batch.add(key);
            if (batch.size() == 5000) {
                found.addAll(mongo.find(new Query(where("_id").in(batch)), Document.class, ReadModels.collection(BUCKETS)));
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
            mongo.remove(new Query(), collection);
        }
    }

    static String minuteKey(String tool, Instant minute) {
        return "m|" + tool + "|" + minute;
    }

    static String hourKey(String tool, Instant hour) {
        return "h|" + tool + "|" + hour;
    }
}
