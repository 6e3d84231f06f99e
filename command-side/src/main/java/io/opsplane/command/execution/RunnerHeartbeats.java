package io.opsplane.command.execution;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import jakarta.annotation.PreDestroy;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The lease of this node's runner: it writes a heartbeat into {@value #COLLECTION} (one document per runner, by
 * {@code _id}) every {@link #BEAT}, and a runner whose last beat is older than {@link #EXPIRY} is taken for dead.
 * An execution started by a runner that is alive is its runner's to finish; one started by a dead runner is
 * recovered by the runners' streaming processor. One write per node every two seconds, whatever the load.
 */
@Component
class RunnerHeartbeats {

    static final String COLLECTION = "runner_heartbeats";
    static final Duration BEAT = Duration.ofSeconds(2);
    static final Duration EXPIRY = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(RunnerHeartbeats.class);

    private final MongoCollection<Document> beats;
    private final Clock clock;
    /** Unique per process start: pid@host alone repeats when a container restarts with the same pid. */
    private final String runner = ManagementFactory.getRuntimeMXBean().getName() + "/"
            + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final ThreadPoolTaskScheduler beating = new ThreadPoolTaskScheduler();

    RunnerHeartbeats(MongoTemplate mongo, Clock clock) {
        this.beats = mongo.getCollection(COLLECTION);
        this.clock = clock;
        beat();
        beating.setPoolSize(1);
        beating.setThreadNamePrefix("runner-heartbeat-");
        beating.setDaemon(true);
        beating.initialize();
        beating.scheduleWithFixedDelay(this::beatQuietly, beating.getClock().instant().plus(BEAT), BEAT);
    }

    /** This node's runner, as recorded in the executions it starts. */
    String runner() {
        return runner;
    }

    /** Whether the runner has beaten within {@link #EXPIRY}; this node's own runner always has. */
    boolean isAlive(String otherRunner) {
        if (runner.equals(otherRunner)) {
            return true;
        }
        Document beat = beats.find(Filters.eq("_id", otherRunner)).first();
        if (beat == null || !(beat.get("at") instanceof Date at)) {
            return false;
        }
        return at.toInstant().isAfter(clock.instant().minus(EXPIRY));
    }

    private void beat() {
        Instant now = clock.instant();
        beats.replaceOne(Filters.eq("_id", runner), new Document("_id", runner).append("at", Date.from(now)),
                new ReplaceOptions().upsert(true));
    }

    private void beatQuietly() {
        try {
            beat();
        } catch (RuntimeException e) {
            log.warn("Could not record this runner's heartbeat: {}", e.toString());
        }
    }

    @PreDestroy
    void stop() {
        beating.shutdown();
    }
}
