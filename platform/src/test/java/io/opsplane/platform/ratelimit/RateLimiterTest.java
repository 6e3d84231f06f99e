package io.opsplane.platform.ratelimit;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.MongoTemplate;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The MongoDB-backed buckets against the embedded store, with two clients standing for two instances. */
class RateLimiterTest {

    private MongoServer server;
    private MongoClient first;
    private MongoClient second;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        String uri = "mongodb://" + address.getHostString() + ":" + address.getPort();
        first = MongoClients.create(uri);
        second = MongoClients.create(uri);
    }

    @AfterEach
    void stop() {
        first.close();
        second.close();
        server.shutdownNow();
    }

    /** The default lease size ({@link RateLimitProperties#leaseMax()}). */
    private static final int LEASE_MAX = 8;

    private RateLimiter limiter(MongoClient client, Clock clock) {
        return limiter(client, clock, LEASE_MAX);
    }

    private RateLimiter limiter(MongoClient client, Clock clock, int leaseMax) {
        return new RateLimiter(new MongoTemplate(client, "opsplane"), clock, 1_000, leaseMax);
    }

    /** A client that records the name of every command it sends, standing for one instance. */
    private MongoClient counting(List<String> commands) {
        return MongoClients.create(com.mongodb.MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString(
                        "mongodb://127.0.0.1:" + server.getLocalAddress().getPort()))
                .addCommandListener(new com.mongodb.event.CommandListener() {
                    @Override
                    public void commandStarted(com.mongodb.event.CommandStartedEvent event) {
                        commands.add(event.getCommandName());
                    }
                }).build());
    }

    @Test
    void admitsTheBurstThenRefusesUntilTheBucketRefills() {
        MutableClock clock = new MutableClock();
        RateLimiter limiter = limiter(first, clock);
        BucketLimit limit = new BucketLimit(60, 3);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryTake("key:a", limit).allowed()).isTrue();
        }
        RateLimitDecision refused = limiter.tryTake("key:a", limit);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        clock.advance(1_000);
        assertThat(limiter.tryTake("key:a", limit).allowed()).isTrue();
        assertThat(limiter.tryTake("key:a", limit).allowed()).isFalse();
        assertThat(limiter.tryTake("key:b", limit).allowed()).as("buckets are per id").isTrue();
    }

    @Test
    void theStateSurvivesARestartAndIsSharedBetweenInstances() {
        MutableClock clock = new MutableClock();
        BucketLimit limit = new BucketLimit(60, 2);
        assertThat(limiter(first, clock).tryTake("key:shared", limit).allowed()).isTrue();
        assertThat(limiter(second, clock).tryTake("key:shared", limit).allowed()).isTrue();
        RateLimitDecision third = limiter(second, clock).tryTake("key:shared", limit);
        assertThat(third.allowed()).isFalse();
        assertThat(third.remaining()).isZero();
    }

    @Test
    void concurrentRequestsOnTwoInstancesNeverTakeMoreThanTheBucketHolds() throws Exception {
        // A frozen clock: nothing refills, so exactly `burst` requests may pass, however they race.
        MutableClock clock = new MutableClock();
        BucketLimit limit = new BucketLimit(1, 50);
        List<RateLimiter> instances = List.of(limiter(first, clock), limiter(second, clock));
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Boolean>> requests = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                RateLimiter instance = instances.get(i % 2);
                requests.add(() -> instance.tryTake("key:burst", limit).allowed());
            }
            long admitted = 0;
            for (Future<Boolean> result : threads.invokeAll(requests)) {
                admitted += result.get() ? 1 : 0;
            }
            assertThat(admitted).isEqualTo(50);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void anInstanceWhoseBucketAnotherInstanceChangedReadsItAgainBeforeItTakes() {
        MutableClock clock = new MutableClock();
        BucketLimit limit = new BucketLimit(1, 3);
        RateLimiter one = limiter(first, clock);
        RateLimiter other = limiter(second, clock);
        assertThat(one.tryTake("key:stale", limit).remaining()).isEqualTo(2);
        assertThat(other.tryTake("key:stale", limit).remaining()).isEqualTo(1);
        // `one` remembers two tokens; the bucket holds one.
        RateLimitDecision last = one.tryTake("key:stale", limit);
        assertThat(last.allowed()).isTrue();
        assertThat(last.remaining()).isZero();
        assertThat(one.tryTake("key:stale", limit).allowed()).isFalse();
        assertThat(other.tryTake("key:stale", limit).allowed()).isFalse();
    }

    @Test
    void whileNoOtherInstanceWritesTheBucketATakeIsOneStoreCommand() {
        MutableClock clock = new MutableClock();
        List<String> commands = new CopyOnWriteArrayList<>();
        try (MongoClient counted = counting(commands)) {
            // Leasing off: every take goes to the store (with leases, see sequentialTakesUnderDemandLease…).
            RateLimiter limiter = limiter(counted, clock, 1);
            BucketLimit limit = new BucketLimit(60, 100);
            assertThat(limiter.tryTake("key:counted", limit).allowed()).isTrue();
            commands.clear();
            for (int i = 0; i < 20; i++) {
                assertThat(limiter.tryTake("key:counted", limit).allowed()).isTrue();
            }
            assertThat(commands).hasSize(20).containsOnly("findAndModify");
            // A refusal reads the bucket itself: the Retry-After it reports is the bucket's, not a memory's.
            BucketLimit one = new BucketLimit(60, 1);
            assertThat(limiter.tryTake("key:single", one).allowed()).isTrue();
            commands.clear();
            RateLimitDecision refused = limiter.tryTake("key:single", one);
            assertThat(refused.allowed()).isFalse();
            assertThat(refused.retryAfterSeconds()).isEqualTo(1);
            assertThat(commands).containsExactly("findAndModify");
        }
    }

    @Test
    void concurrentRequestsOnTwoLeasingInstancesNeverTakeMoreThanTheBucketGaveOut() throws Exception {
        // Each request moves the clock on a millisecond, so the bucket refills and leases expire while the
        // instances race: what both admit together is bounded by the capacity plus the refill over the time seen.
        MutableClock clock = new MutableClock();
        BucketLimit limit = new BucketLimit(6_000, 50);
        List<RateLimiter> instances = List.of(limiter(first, clock), limiter(second, clock));
        long start = clock.millis();
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Boolean>> requests = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                RateLimiter instance = instances.get(i % 2);
                requests.add(() -> {
                    clock.advance(1);
                    return instance.tryTake("key:refilling", limit).allowed();
                });
            }
            long admitted = 0;
            for (Future<Boolean> result : threads.invokeAll(requests)) {
                admitted += result.get() ? 1 : 0;
            }
            long refilled = (long) Math.floor((clock.millis() - start) * limit.tokensPerMilli());
            assertThat(admitted).isLessThanOrEqualTo(limit.burst() + refilled);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void sequentialTakesUnderDemandLeaseTokensAndCostFewerStoreCommands() {
        MutableClock clock = new MutableClock();
        List<String> commands = new CopyOnWriteArrayList<>();
        try (MongoClient counted = counting(commands)) {
            RateLimiter limiter = limiter(counted, clock);
            BucketLimit limit = new BucketLimit(60, 100);
            assertThat(limiter.tryTake("key:leased", limit).remaining()).isEqualTo(99);
            commands.clear();
            for (int i = 0; i < 16; i++) {
                RateLimitDecision decision = limiter.tryTake("key:leased", limit);
                assertThat(decision.allowed()).isTrue();
                assertThat(decision.remaining()).as("the bucket's tokens and the lease's, after take %d", i)
                        .isEqualTo(98 - i);
            }
            // Each compare-and-swap takes 8 (a quarter of the bucket is more): one admitted, seven leased.
            assertThat(commands).hasSize(16 / LEASE_MAX).containsOnly("findAndModify");
            commands.clear();
            assertThat(limiter.peek("key:leased", limit).remaining()).as("what the store holds")
                    .isEqualTo(100 - 1 - 16);
        }
    }

    @Test
    void nearExhaustionNoTokensAreLeftLeasedSoABucketAdmitsExactlyWhatItHolds() {
        // A frozen clock: nothing refills and no lease expires.
        MutableClock clock = new MutableClock();
        BucketLimit limit = new BucketLimit(1, 37);
        RateLimiter one = limiter(first, clock);
        // Twice as many requests as tokens, so that admitting too many fails rather than never ends.
        int admitted = 0;
        for (int i = 0; i < 2 * 37; i++) {
            admitted += one.tryTake("key:drained", limit).allowed() ? 1 : 0;
        }
        assertThat(admitted).isEqualTo(37);
        assertThat(limiter(second, clock).tryTake("key:drained", limit).allowed()).isFalse();

        // Two instances taking in turn: one's lease may outlive the bucket, but it is handed out, not lost.
        RateLimiter other = limiter(second, clock);
        int byBoth = 0;
        for (int i = 0; i < 37; i++) {
            byBoth += one.tryTake("key:shared-drain", limit).allowed() ? 1 : 0;
            byBoth += other.tryTake("key:shared-drain", limit).allowed() ? 1 : 0;
        }
        assertThat(byBoth).isEqualTo(37);
        assertThat(one.tryTake("key:shared-drain", limit).allowed()).isFalse();

        // Below eight tokens a quarter is less than two: under demand each take still takes one token from the
        // store, so what this instance is not asked for stays in the bucket for the others.
        BucketLimit seven = new BucketLimit(1, 7);
        for (int taken = 1; taken <= 3; taken++) {
            assertThat(one.tryTake("key:last-seven", seven).allowed()).isTrue();
            assertThat(other.peek("key:last-seven", seven).remaining()).isEqualTo(7 - taken);
        }
        int byTheOther = 0;
        for (int i = 0; i < 2 * 7; i++) {
            byTheOther += other.tryTake("key:last-seven", seven).allowed() ? 1 : 0;
        }
        assertThat(byTheOther).isEqualTo(4);
    }

    @Test
    void anExpiredLeasesTokensAreDroppedNotHandedOut() {
        MutableClock clock = new MutableClock();
        List<String> commands = new CopyOnWriteArrayList<>();
        try (MongoClient counted = counting(commands)) {
            RateLimiter limiter = limiter(counted, clock);
            // One token a minute: the second the lease lives refills a sixtieth of one.
            BucketLimit limit = new BucketLimit(1, 100);
            assertThat(limiter.tryTake("key:expiring", limit).allowed()).isTrue();
            assertThat(limiter.tryTake("key:expiring", limit).remaining()).as("91 in the bucket, 7 leased")
                    .isEqualTo(98);
            clock.advance(RateLimiter.LEASE_MILLIS);
            commands.clear();
            RateLimitDecision afterExpiry = limiter.tryTake("key:expiring", limit);
            assertThat(afterExpiry.allowed()).isTrue();
            assertThat(commands).as("the expired lease is not used; the bucket is taken from")
                    .containsExactly("findAndModify");
            assertThat(afterExpiry.remaining()).as("the seven leased tokens are gone").isEqualTo(90);
            assertThat(limiter.peek("key:expiring", limit).remaining()).isEqualTo(90);
        }
    }

    @Test
    void theLeaseIsSizedToWhatTheRateOfRequestsUsesBeforeItExpires() {
        MutableClock clock = new MutableClock();
        List<String> commands = new CopyOnWriteArrayList<>();
        try (MongoClient counted = counting(commands)) {
            RateLimiter limiter = limiter(counted, clock);
            RateLimiter observer = limiter(second, clock);
            BucketLimit limit = new BucketLimit(1, 100);
            assertThat(limiter.tryTake("key:paced", limit).allowed()).isTrue();
            clock.advance(RateLimiter.LEASE_MILLIS);
            assertThat(limiter.tryTake("key:paced", limit).allowed()).isTrue();
            assertThat(observer.peek("key:paced", limit).remaining())
                    .as("a request a lease's lifetime after the previous one takes one token").isEqualTo(98);

            long quarter = RateLimiter.LEASE_MILLIS / 4;
            clock.advance(quarter);
            assertThat(limiter.tryTake("key:paced", limit).remaining()).isEqualTo(97);
            assertThat(observer.peek("key:paced", limit).remaining())
                    .as("four requests a lifetime: one admitted, three leased").isEqualTo(94);
            commands.clear();
            for (int i = 0; i < 3; i++) {
                clock.advance(quarter);
                assertThat(limiter.tryTake("key:paced", limit).allowed()).isTrue();
            }
            assertThat(commands).as("the lease is handed out at that pace before it expires").isEmpty();
        }
    }

    @Test
    void leaseMaxBelowOneIsRefused() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> limiter(first, new MutableClock(), 0));
    }

    @Test
    void refusalsAreCountedPerMinuteAcrossInstances() {
        MutableClock clock = new MutableClock();
        RateLimiter one = limiter(first, clock);
        RateLimiter other = limiter(second, clock);
        long start = clock.millis();
        one.countRejection();
        other.countRejection();
        clock.advance(60_000);
        one.countRejection();
        assertThat(one.rejectionsBetween(start, start + 60_000)).isEqualTo(2);
        assertThat(other.rejectionsBetween(start, start + 120_000)).isEqualTo(3);
        assertThat(other.rejectionsBetween(start + 60_000, start + 120_000)).isEqualTo(1);
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {

        private volatile long millis = Instant.parse("2026-11-24T10:00:00Z").toEpochMilli();

        synchronized void advance(long by) {
            millis += by;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }
}
