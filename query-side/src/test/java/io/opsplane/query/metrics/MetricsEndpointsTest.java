package io.opsplane.query.metrics;

import io.opsplane.api.execution.ExecutionFailedEvent;
import io.opsplane.api.execution.ExecutionError;
import io.opsplane.api.execution.ExecutionSucceededEvent;
import io.opsplane.platform.ratelimit.RateLimiter;
import io.opsplane.query.support.QuerySideUnderTest;
import io.opsplane.query.support.QuerySideUnderTest.Response;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.MongoTemplate;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Date;
import java.util.Map;

import static io.opsplane.query.support.ExecutionEvents.ALICE;
import static io.opsplane.query.support.ExecutionEvents.planned;
import static io.opsplane.query.support.ExecutionEvents.requested;
import static org.assertj.core.api.Assertions.assertThat;

class MetricsEndpointsTest {

    private static QuerySideUnderTest app;
    private static String key;
    private static long head;

    @BeforeAll
    static void start() {
        app = QuerySideUnderTest.start();
        key = app.issueKey("ops@example.com", "metrics:read");
        Instant now = Instant.now();
        for (int i = 0; i < 10; i++) {
            app.recordAt(now, "m-" + i, requested("m-" + i, "service.healthcheck", ALICE),
                    i < 8 ? new ExecutionSucceededEvent("m-" + i, Map.of(), 100L * (i + 1))
                            : new ExecutionFailedEvent("m-" + i, new ExecutionError("timeout", "slow"), 5000));
        }
        app.recordAt(now, "p-1", planned("p-1", "billing.refund", ALICE));
        // Two days ago: inside 7d only.
        app.recordAt(now.minusSeconds(2 * 86_400), "old-1", requested("old-1", "billing.refund", ALICE),
                new ExecutionSucceededEvent("old-1", Map.of(), 10));
        head = app.headPosition();
        RateLimiter limiter = app.bean(RateLimiter.class);
        for (int i = 0; i < 3; i++) {
            limiter.countRejection();
        }
        // Two hours ago: inside 24h and 7d, outside 15m and 1h.
        long twoHoursAgo = Math.floorDiv(now.minusSeconds(7200).toEpochMilli(), 60_000L);
        app.bean(MongoTemplate.class).getCollection(RateLimiter.REJECTIONS_COLLECTION).insertOne(
                new Document("_id", twoHoursAgo).append("count", 4L).append("minute", new Date(twoHoursAgo * 60_000L)));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void summarisesTheWindowFromPreAggregatedBuckets() {
        Response response = app.get("/v1/metrics?window=15m&minPosition=" + head, key);

        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.body();
        assertThat(body.path("window").asString()).isEqualTo("15m");
        assertThat(Instant.parse(body.path("to").asString()))
                .isEqualTo(Instant.parse(body.path("from").asString()).plusSeconds(900));
        JsonNode totals = body.path("totals");
        assertThat(totals.path("executions").asLong()).isEqualTo(10);
        assertThat(totals.path("succeeded").asLong()).isEqualTo(8);
        assertThat(totals.path("failed").asLong()).isEqualTo(2);
        assertThat(totals.path("plans").asLong()).isEqualTo(1);
        assertThat(totals.path("pendingApprovals").asLong()).isZero();
        assertThat(totals.path("rateLimited").asLong()).isEqualTo(3);
        JsonNode healthcheck = body.path("tools").get(0);
        assertThat(healthcheck.path("tool").asString()).isEqualTo("service.healthcheck");
        assertThat(healthcheck.path("executions").asLong()).isEqualTo(10);
        assertThat(healthcheck.path("failed").asLong()).isEqualTo(2);
        assertThat(healthcheck.path("errorRate").asDouble()).isEqualTo(0.2);
        assertThat(healthcheck.path("p50Ms").asLong()).isBetween(500L, 595L);
        assertThat(healthcheck.path("p99Ms").asLong()).isBetween(5000L, 5950L);
        assertThat(body.path("approvals").path("requested").asLong()).isZero();
        assertThat(body.path("approvals").has("medianDecisionMs")).isTrue();
    }

    @Test
    void longerWindowsReachFurtherBack() {
        JsonNode week = app.get("/v1/metrics?window=7d&minPosition=" + head, key).body();
        JsonNode day = app.get("/v1/metrics?window=24h&minPosition=" + head, key).body();

        assertThat(week.path("totals").path("executions").asLong()).isEqualTo(11);
        assertThat(week.path("totals").path("succeeded").asLong()).isEqualTo(9);
        assertThat(day.path("totals").path("executions").asLong()).isEqualTo(10);
        assertThat(day.path("totals").path("rateLimited").asLong()).isEqualTo(7);
        assertThat(week.path("totals").path("rateLimited").asLong()).isEqualTo(7);
        assertThat(app.get("/v1/metrics?window=1h", key).body().path("totals").path("rateLimited").asLong())
                .isEqualTo(3);
        assertThat(app.get("/v1/metrics?window=1h", key).status()).isEqualTo(200);
    }

    @Test
    void rejectsUnknownWindowsAndKeysWithoutMetricsRead() {
        Response unknown = app.get("/v1/metrics?window=2h", key);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.code()).isEqualTo("invalid_parameter");
        assertThat(app.get("/v1/metrics", app.issueKey("r@example.com", "logs:read")).status()).isEqualTo(403);
    }

    @Test
    void exposesExecutionCountersAndProjectionLagToPrometheus() throws Exception {
        app.get("/v1/metrics?window=15m&minPosition=" + head, key);
        assertThat(app.prometheus(key))
                .contains("opsplane_executions_total{status=\"succeeded\",tool=\"service.healthcheck\"} 8.0")
                .contains("opsplane_execution_duration_seconds_bucket")
                .contains("opsplane_projection_lag{processor=\"metrics\"}")
                .contains("opsplane_projection_lag{processor=\"eventlog\"}");
    }
}
