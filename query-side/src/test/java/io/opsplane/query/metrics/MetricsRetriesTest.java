package io.opsplane.query.metrics;

import io.opsplane.api.execution.ExecutionError;
import io.opsplane.api.execution.ExecutionFailedEvent;
import io.opsplane.api.execution.ExecutionRetriedEvent;
import io.opsplane.api.execution.ExecutionStartedEvent;
import io.opsplane.api.execution.ExecutionSucceededEvent;
import io.opsplane.query.support.QuerySideUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Map;

import static io.opsplane.query.support.ExecutionEvents.ALICE;
import static io.opsplane.query.support.ExecutionEvents.requested;
import static io.opsplane.query.support.ExecutionEvents.tool;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retried executions count once, by their latest outcome, with retries beside them; and a replay rebuilds the same
 * figures. Each scenario has a tool of its own, so each row shows one execution.
 */
class MetricsRetriesTest {

    private static QuerySideUnderTest app;
    private static String key;
    private static long head;

    @BeforeAll
    static void start() {
        app = QuerySideUnderTest.start();
        key = app.issueKey("root@example.com", "admin");
        Instant now = Instant.now();
        // Outside the 15-minute window, inside the hour.
        Instant earlier = now.minusSeconds(20 * 60);

        // Fails, then succeeds on retry.
        app.recordAt(now, "fails-then-succeeds", requested("fails-then-succeeds", "billing.refund", ALICE),
                started("fails-then-succeeds", 1), failed("fails-then-succeeds", 300),
                retried("fails-then-succeeds", "billing.refund"), started("fails-then-succeeds", 2),
                new ExecutionSucceededEvent("fails-then-succeeds", Map.of(), 40));
        // Fails twice.
        app.recordAt(now, "fails-twice", requested("fails-twice", "email.send", ALICE), started("fails-twice", 1),
                failed("fails-twice", 700), retried("fails-twice", "email.send"), started("fails-twice", 2),
                failed("fails-twice", 2000));
        // Failed before the 15-minute window began, retried inside it and succeeded.
        app.recordAt(earlier, "across-succeeds", requested("across-succeeds", "tenant.onboard", ALICE),
                started("across-succeeds", 1), failed("across-succeeds", 5000));
        app.recordAt(now, "across-succeeds", retried("across-succeeds", "tenant.onboard"),
                started("across-succeeds", 2), new ExecutionSucceededEvent("across-succeeds", Map.of(), 80));
        // Failed before the 15-minute window began, retried inside it and still running.
        app.recordAt(earlier, "across-running", requested("across-running", "calendar.event.create", ALICE),
                started("across-running", 1), failed("across-running", 900));
        head = app.recordAt(now, "across-running", retried("across-running", "calendar.event.create"),
                started("across-running", 2));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void countsEachRetriedExecutionOnceByItsLatestOutcome() {
        assertFifteenMinutes(metrics("15m"));
        assertHour(metrics("1h"));
    }

    @Test
    void aReplayRebuildsExactlyTheSameFigures() {
        JsonNode quarterBefore = metrics("15m");
        JsonNode hourBefore = metrics("1h");

        QuerySideUnderTest.Response replay = app.send(HttpRequest.newBuilder(URI.create(app.baseUrl()
                        + "/v1/admin/replay")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"projections\":[\"metrics\"]}")), key);
        assertThat(replay.status()).isEqualTo(202);
        assertThat(app.awaitReplay(key).path("status").asString()).isEqualTo("completed");

        JsonNode quarterAfter = metrics("15m");
        JsonNode hourAfter = metrics("1h");
        assertFifteenMinutes(quarterAfter);
        assertHour(hourAfter);
        assertThat(quarterAfter.path("totals")).isEqualTo(quarterBefore.path("totals"));
        assertThat(quarterAfter.path("tools")).isEqualTo(quarterBefore.path("tools"));
        assertThat(hourAfter.path("totals")).isEqualTo(hourBefore.path("totals"));
        assertThat(hourAfter.path("tools")).isEqualTo(hourBefore.path("tools"));
        // The rebuild does not count into the process's counters.
        assertThat(app.prometheus(key)).contains("opsplane_execution_retries_total{tool=\"billing.refund\"} 1.0");
    }

    @Test
    void exposesRetriesToPrometheusApartFromOutcomes() {
        metrics("15m");

        assertThat(app.prometheus(key))
                .contains("opsplane_execution_retries_total{tool=\"billing.refund\"} 1.0")
                .contains("opsplane_execution_retries_total{tool=\"email.send\"} 1.0")
                .contains("opsplane_execution_retries_total{tool=\"tenant.onboard\"} 1.0")
                .contains("opsplane_execution_retries_total{tool=\"calendar.event.create\"} 1.0")
                .contains("opsplane_executions_total{status=\"failed\",tool=\"email.send\"} 2.0");
    }

    private static void assertFifteenMinutes(JsonNode body) {
        assertTotals(body.path("totals"), 4, 2, 1, 4);
        JsonNode tools = body.path("tools");
        assertThat(tools).hasSize(4);
        assertRow(tools.get(0), "billing.refund", 1, 1, 0, 0.0, 40L);
        assertRow(tools.get(1), "calendar.event.create", 1, 0, 0, 0.0, null);
        assertRow(tools.get(2), "email.send", 1, 0, 1, 1.0, 2000L);
        assertRow(tools.get(3), "tenant.onboard", 1, 1, 0, 0.0, 80L);
    }

    /** The hour also holds the failures of 20 minutes ago; the one not followed by an outcome is still the latest. */
    private static void assertHour(JsonNode body) {
        assertTotals(body.path("totals"), 4, 2, 2, 4);
        JsonNode tools = body.path("tools");
        assertThat(tools).hasSize(4);
        assertRow(tools.get(0), "billing.refund", 1, 1, 0, 0.0, 40L);
        assertRow(tools.get(1), "calendar.event.create", 1, 0, 1, 1.0, 900L);
        assertRow(tools.get(2), "email.send", 1, 0, 1, 1.0, 2000L);
        assertRow(tools.get(3), "tenant.onboard", 1, 1, 0, 0.0, 80L);
    }

    private static void assertTotals(JsonNode totals, long executions, long succeeded, long failed, long retries) {
        assertThat(totals.path("executions").asLong()).isEqualTo(executions);
        assertThat(totals.path("succeeded").asLong()).isEqualTo(succeeded);
        assertThat(totals.path("failed").asLong()).isEqualTo(failed);
        assertThat(totals.path("unknown").asLong()).isZero();
        assertThat(totals.path("retries").asLong()).isEqualTo(retries);
        assertThat(totals.path("plans").asLong()).isZero();
        assertThat(totals.path("pendingApprovals").asLong()).isZero();
        assertThat(totals.path("rateLimited").asLong()).isZero();
    }

    /** A row of one execution retried once: its percentiles are all the latest attempt's duration bucket. */
    private static void assertRow(JsonNode row, String tool, long executions, long succeeded, long failed,
                                  double errorRate, Long latestAttemptMs) {
        assertThat(row.path("tool").asString()).isEqualTo(tool);
        assertThat(row.path("executions").asLong()).as(tool).isEqualTo(executions);
        assertThat(row.path("succeeded").asLong()).as(tool).isEqualTo(succeeded);
        assertThat(row.path("failed").asLong()).as(tool).isEqualTo(failed);
        assertThat(row.path("unknown").asLong()).as(tool).isZero();
        assertThat(row.path("retries").asLong()).as(tool).isEqualTo(1);
        assertThat(row.path("errorRate").asDouble()).as(tool).isEqualTo(errorRate);
        for (String percentile : new String[] {"p50Ms", "p95Ms", "p99Ms"}) {
            if (latestAttemptMs == null) {
                assertThat(row.path(percentile).isNull()).as(tool + " " + percentile).isTrue();
            } else {
                assertThat(row.path(percentile).asLong()).as(tool + " " + percentile)
                        .isEqualTo(DurationHistogram.upperBoundMs(DurationHistogram.bucketOf(latestAttemptMs)));
            }
        }
    }

    private static JsonNode metrics(String window) {
        QuerySideUnderTest.Response response = app.get("/v1/metrics?window=" + window + "&minPosition=" + head, key);
        assertThat(response.status()).isEqualTo(200);
        return response.body();
    }

    private static ExecutionStartedEvent started(String executionId, int attempt) {
        return new ExecutionStartedEvent(executionId, "runner-1", attempt);
    }

    private static ExecutionFailedEvent failed(String executionId, long durationMs) {
        return new ExecutionFailedEvent(executionId, new ExecutionError("step_failed", "provision failed"), durationMs);
    }

    private static ExecutionRetriedEvent retried(String executionId, String toolName) {
        return new ExecutionRetriedEvent(executionId, tool(toolName), Map.of(), ALICE);
    }
}
