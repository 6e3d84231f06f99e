package io.opsplane.platform.ratelimit;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;

import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Date;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.LockSupport;

/**
 * Token buckets kept in MongoDB, shared by every instance of both applications and surviving
 * restarts. Each bucket is one document found by {@code _id} (an exact match the embedded store
 * serves from its index) and changed only by compare-and-swap on its {@code version}: compute
 * the refill and the take from a known version, write back only if nobody wrote since, else read
 * again and retry. So no request is ever admitted on a token another request already took,
 * whichever instance served it. A refused request writes nothing: the refill is computed from the
 * time of the last change.
 *
 * <p>Each instance remembers the last version it wrote or read of each bucket, and serialises its own
 * takes of one bucket: a take then costs one round trip (the compare-and-swap) while no other instance
 * wrote the bucket, where it cost two (read, then swap). A stale memory costs nothing in correctness:
 * its swap fails, and the take reads the bucket and tries again. A refusal is never decided from memory
 * (another instance's writes only ever leave fewer tokens, but a refusal reads the bucket anyway, so the
 * {@code Retry-After} it reports is the bucket's own).
 */
public class RateLimiter {

    /** The collection holding one document per bucket. */
    public static final String COLLECTION = "rate_limit_buckets";
    /**
     * Refused requests per minute, counted by every instance into one document per minute
     * ({@code _id} the epoch minute, {@code minute} its start, {@code count}), so that metrics over a
     * window can be read across instances and restarts.
     */
    public static final String REJECTIONS_COLLECTION = "rate_limit_rejections";

    /** Buckets whose last version this instance remembers; beyond this, the least recently used are forgotten. */
    private static final int REMEMBERED_BUCKETS = 10_000;
    private static final int LOCK_STRIPES = 64;

    private final MongoCollection<Document> buckets;
    private final MongoCollection<Document> rejections;
    private final Clock clock;
    private final int maxAttempts;
    private final Map<String, Known> known = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
            return size() > REMEMBERED_BUCKETS;
        }
    });
    private final ReentrantLock[] stripes = new ReentrantLock[LOCK_STRIPES];

    /** A bucket as this instance last wrote or read it. */
    private record Known(long version, TokenBucket bucket) {
    }

    public RateLimiter(MongoTemplate mongo, Clock clock, int maxAttempts) {
        this.buckets = mongo.getCollection(COLLECTION);
        this.rejections = mongo.getCollection(REJECTIONS_COLLECTION);
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** Takes one token from bucket {@code bucketId} (created full on first use) if it has one. */
    public RateLimitDecision tryTake(String bucketId, BucketLimit limit) {
        // This instance's takes of one bucket one at a time: they would only make each other's swaps fail.
        ReentrantLock stripe = stripes[Math.floorMod(bucketId.hashCode(), stripes.length)];
        stripe.lock();
        try {
            return take(bucketId, limit);
        } finally {
            stripe.unlock();
        }
    }

    private RateLimitDecision take(String bucketId, BucketLimit limit) {
        for (int attempt = 0; attempt < maxAttempts; attempt++) {
            long now = clock.millis();
            Known last = known.get(bucketId);
            if (last == null || !last.bucket().refilled(limit, now).hasToken()) {
                Document stored = read(bucketId);
                if (stored == null) {
                    TokenBucket taken = TokenBucket.full(limit, now).take();
                    if (insert(bucketId, taken)) {
                        known.put(bucketId, new Known(1L, taken));
                        return taken.decision(limit, true);
                    }
                    continue;
                }
                last = new Known(stored.get("version", Number.class).longValue(),
                        new TokenBucket(stored.get("tokens", Number.class).doubleValue(),
                                stored.get("updatedAt", Number.class).longValue()));
                known.put(bucketId, last);
            }
            TokenBucket current = last.bucket().refilled(limit, now);
            if (!current.hasToken()) {
                return current.decision(limit, false);
            }
            TokenBucket taken = current.take();
            // findOneAndUpdate, not updateOne: on the embedded store updateOne's match and write are not
            // one atomic step, so two writers could both match the same version (seen: 51 of 50 admitted).
            Document before = buckets.findOneAndUpdate(
                    Filters.and(Filters.eq("_id", bucketId), Filters.eq("version", last.version())),
                    Updates.combine(Updates.set("tokens", taken.tokens()),
                            Updates.set("updatedAt", taken.updatedAtMillis()),
                            Updates.inc("version", 1L)),
                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE));
            if (before != null) {
                known.put(bucketId, new Known(last.version() + 1, taken));
                return taken.decision(limit, true);
            }
            // Another instance wrote since: read the bucket again.
            known.remove(bucketId);
            if (attempt > 0) {
                backOff(attempt);
            }
        }
        // Contention this heavy means the bucket is being drained far faster than it refills.
        return new RateLimitDecision(false, limit.perMinute(), 0, 1, 1);
    }

    /** What the bucket holds now, without taking anything (for reporting). */
    public RateLimitDecision peek(String bucketId, BucketLimit limit) {
        long now = clock.millis();
        Document stored = read(bucketId);
        TokenBucket current = stored == null ? TokenBucket.full(limit, now)
                : new TokenBucket(stored.get("tokens", Number.class).doubleValue(),
                stored.get("updatedAt", Number.class).longValue()).refilled(limit, now);
        return current.decision(limit, current.hasToken());
    }

    /** Counts one refused request in the current minute's document. */
    public void countRejection() {
        long minute = Math.floorDiv(clock.millis(), 60_000L);
        rejections.updateOne(Filters.eq("_id", minute),
                Updates.combine(Updates.inc("count", 1L),
                        Updates.setOnInsert("minute", new Date(minute * 60_000L))),
                new UpdateOptions().upsert(true));
    }

    /** Refused requests counted in the minutes starting at or after {@code fromMillis} and before {@code toMillis}. */
    public long rejectionsBetween(long fromMillis, long toMillis) {
        long total = 0;
        for (Document minute : rejections.find(Filters.and(
                Filters.gte("_id", Math.floorDiv(fromMillis, 60_000L)),
                Filters.lt("_id", Math.floorDiv(toMillis, 60_000L))))) {
            total += minute.get("count", Number.class).longValue();
        }
        return total;
    }

    /**
     * The bucket as one consistent snapshot, or {@code null}. The embedded store answers a {@code find} from its live
     * document, which a concurrent update rewrites field by field, so a find could return the tokens of one version
     * with the version number of the next, and the compare-and-swap would then succeed on a stale token count (seen:
     * up to 54 of 50 admitted, a few times in 300 runs). {@code findAndModify} copies the document inside the
     * collection's lock; adding 0 to the version changes nothing, on either store.
     */
    private Document read(String bucketId) {
        return buckets.findOneAndUpdate(Filters.eq("_id", bucketId), Updates.inc("version", 0L),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE));
    }

    private boolean insert(String bucketId, TokenBucket bucket) {
        try {
            buckets.insertOne(new Document("_id", bucketId).append("tokens", bucket.tokens())
                    .append("updatedAt", bucket.updatedAtMillis()).append("version", 1L));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    /** A short random pause, growing with the attempts, so that racing writers spread out. */
    private static void backOff(int attempt) {
        long maxMicros = 50L << Math.min(attempt, 6);
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxMicros) * 1_000);
    }
}
