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
 *
 * <p>An instance that keeps being asked for one bucket takes several tokens in one compare-and-swap and hands the
 * spare ones out from a local lease without a round trip; a request is still admitted only on a whole token that a
 * successful compare-and-swap took from the shared bucket, so instances together never admit more than the bucket
 * gave out. A lease is sized to the demand this instance sees: at the rate implied by the time since it was last
 * asked for the bucket, as many tokens as it would hand out before the lease expires, at most {@code leaseMax}, and
 * at most a quarter of what the bucket holds, so near exhaustion the bucket is taken one token at a time and no
 * instance sits on the last tokens. A key asked for once a second or less often takes one token per request, as
 * without leases. Unused leased tokens are dropped after {@value #LEASE_MILLIS} ms, not given back: at most
 * {@code leaseMax - 1} tokens per bucket and instance go unused for at most that long (under-admission, never
 * over-admission), and a leased token is admitted at most that long after the bucket gave it out.
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
    /**
     * How long leased tokens may be handed out: the bound on how long they can sit unused on one instance, short
     * enough that what a quiet instance strands is back in the bucket's refill soon.
     */
    static final long LEASE_MILLIS = 1_000;

    private final MongoCollection<Document> buckets;
    private final MongoCollection<Document> rejections;
    private final Clock clock;
    private final int maxAttempts;
    private final int leaseMax;
    private final Map<String, Known> known = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
            return size() > REMEMBERED_BUCKETS;
        }
    });
    private final ReentrantLock[] stripes = new ReentrantLock[LOCK_STRIPES];

    /**
     * A bucket as this instance last wrote or read it, the tokens this instance took from it and has not handed
     * out yet, and when this instance was last asked for one of its tokens.
     */
    private record Known(long version, TokenBucket bucket, Lease lease, long askedAtMillis) {

        Known handOut(long nowMillis) {
            return new Known(version, bucket, lease.handOut(), nowMillis);
        }
    }

    /** Tokens already taken from the shared bucket by this instance, to be handed out before {@code expiresAtMillis}. */
    private record Lease(int tokens, long expiresAtMillis) {

        static final Lease NONE = new Lease(0, 0);

        boolean hasToken(long nowMillis) {
            return tokens > 0 && nowMillis < expiresAtMillis;
        }

        Lease handOut() {
            return new Lease(tokens - 1, expiresAtMillis);
        }
    }

    /**
     * @param maxAttempts compare-and-swaps one request tries on a contended bucket before it is refused
     * @param leaseMax    most tokens one compare-and-swap takes under demand (one admitted, the rest leased);
     *                    1 takes one token per request
     */
    public RateLimiter(MongoTemplate mongo, Clock clock, int maxAttempts, int leaseMax) {
        if (leaseMax < 1) {
            throw new IllegalArgumentException("leaseMax must be at least 1, was " + leaseMax);
        }
        this.buckets = mongo.getCollection(COLLECTION);
        this.rejections = mongo.getCollection(REJECTIONS_COLLECTION);
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.leaseMax = leaseMax;
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
        long askedAt = clock.millis();
        Known remembered = known.get(bucketId);
        if (remembered != null && remembered.lease().hasToken(askedAt)) {
            Known after = remembered.handOut(askedAt);
            known.put(bucketId, after);
            return after.bucket().refilled(limit, askedAt).withLeased(after.lease().tokens(), limit)
                    .decision(limit, true);
        }
        int demand = remembered == null ? 1 : expectedWithinLease(askedAt - remembered.askedAtMillis());
        for (int attempt = 0; attempt < maxAttempts; attempt++) {
            long now = clock.millis();
            Known last = known.get(bucketId);
            if (last == null || !last.bucket().refilled(limit, now).hasToken()) {
                Document stored = read(bucketId);
                if (stored == null) {
                    TokenBucket full = TokenBucket.full(limit, now);
                    int count = tokensToTake(full, demand);
                    TokenBucket taken = full.take(count);
                    if (insert(bucketId, taken)) {
                        return admit(bucketId, limit, 1L, taken, count, now, askedAt);
                    }
                    continue;
                }
                last = new Known(stored.get("version", Number.class).longValue(),
                        new TokenBucket(stored.get("tokens", Number.class).doubleValue(),
                                stored.get("updatedAt", Number.class).longValue()), Lease.NONE, askedAt);
                known.put(bucketId, last);
            }
            TokenBucket current = last.bucket().refilled(limit, now);
            if (!current.hasToken()) {
                return current.decision(limit, false);
            }
            int count = tokensToTake(current, demand);
            TokenBucket taken = current.take(count);
            // findOneAndUpdate, not updateOne: on the embedded store updateOne's match and write are not
            // one atomic step, so two writers could both match the same version (seen: 51 of 50 admitted).
            Document before = buckets.findOneAndUpdate(
                    Filters.and(Filters.eq("_id", bucketId), Filters.eq("version", last.version())),
                    Updates.combine(Updates.set("tokens", taken.tokens()),
                            Updates.set("updatedAt", taken.updatedAtMillis()),
                            Updates.inc("version", 1L)),
                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE));
            if (before != null) {
                return admit(bucketId, limit, last.version() + 1, taken, count, now, askedAt);
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

    /**
     * Requests this instance can expect for a bucket while a lease taken now lives, judged from the time since the
     * previous one, and at most {@code leaseMax}. At a steady rate a lease of that size is handed out before it
     * expires, at every rate: sizing by rate rather than by a yes-or-no threshold keeps that true, and keeps what a
     * request costs from jumping when requests arrive a little slower.
     */
    private int expectedWithinLease(long sincePreviousMillis) {
        return (int) Math.min(leaseMax, LEASE_MILLIS / Math.max(1, sincePreviousMillis));
    }

    /**
     * The demand, but never more than a quarter of what the bucket holds, and at least the one token this request
     * needs: a full bucket is leased from in steps, a nearly empty one one token at a time, so that the last tokens
     * go to whichever instance is asked for them, not to one that happened to lease them.
     */
    private static int tokensToTake(TokenBucket current, int demand) {
        return (int) Math.max(1, Math.min(demand, Math.floor(current.tokens() / 4)));
    }

    /** Remembers a successful take of {@code count} tokens: one admits this request, the rest are leased. */
    private RateLimitDecision admit(String bucketId, BucketLimit limit, long version, TokenBucket taken, int count,
                                    long now, long askedAt) {
        Lease lease = count > 1 ? new Lease(count - 1, now + LEASE_MILLIS) : Lease.NONE;
        known.put(bucketId, new Known(version, taken, lease, askedAt));
        return taken.withLeased(lease.tokens(), limit).decision(limit, true);
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
