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

    private RateLimiter limiter(MongoClient client, Clock clock) {
        return new RateLimiter(new MongoTemplate(client, "opsplane"), clock, 1_000);
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
        List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (MongoClient counted = MongoClients.create(com.mongodb.MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString(
                        "mongodb://127.0.0.1:" + server.getLocalAddress().getPort()))
                .addCommandListener(new com.mongodb.event.CommandListener() {
                    @Override
                    public void commandStarted(com.mongodb.event.CommandStartedEvent event) {
                        commands.add(event.getCommandName());
                    }
                }).build())) {
            RateLimiter limiter = limiter(counted, clock);
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

        void advance(long by) {
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
