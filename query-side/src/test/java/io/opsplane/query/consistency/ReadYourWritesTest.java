package io.opsplane.query.consistency;

import io.opsplane.query.support.QuerySideUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.opsplane.query.support.ExecutionEvents.ALICE;
import static io.opsplane.query.support.ExecutionEvents.requested;
import static io.opsplane.query.support.ExecutionEvents.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads that wait for {@code minPosition} hold no server thread: with eight request threads, a
 * hundred reads waiting for a position the store has not reached leave another key's reads
 * answered, and every waiting read is answered once the position is projected.
 */
class ReadYourWritesTest {

    private static final int WAITING_READS = 100;
    private static QuerySideUnderTest app;

    @BeforeAll
    static void start() {
        app = QuerySideUnderTest.start("server.tomcat.threads.max=8", "opsplane.query.min-position-max-wait=60s",
                "opsplane.concurrency.per-key=" + WAITING_READS);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void waitingReadsHoldNoThreadAndAreAnsweredOnceThePositionIsProjected() throws Exception {
        String waiter = app.issueKey("waiter@example.com", "logs:read");
        String other = app.issueKey("other@example.com", "tools:read", "logs:read");
        long next = app.headPosition() + 1;
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(16)).build();
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < WAITING_READS; i++) {
            waiting.add(http.sendAsync(HttpRequest.newBuilder(URI.create(app.baseUrl()
                                    + "/v1/executions?limit=1&minPosition=" + next))
                            .header("Authorization", "Bearer " + waiter).timeout(Duration.ofSeconds(90)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }

        for (int i = 0; i < 5; i++) {
            assertThat(app.get("/v1/tools", other).status()).isEqualTo(200);
            assertThat(app.get("/v1/executions?limit=1", other).status()).isEqualTo(200);
        }
        assertThat(waiting).as("no waiting read was answered before its position existed")
                .noneMatch(CompletableFuture::isDone);

        app.record("rw-1", requested("rw-1", "service.healthcheck", ALICE), succeeded("rw-1"));
        CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(waiting).allSatisfy(read -> {
            HttpResponse<String> response = read.join();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains("rw-1");
        });
    }

    @Test
    void aReadWhosePositionNeverComesIsAnsweredProjectionBehind() {
        try (QuerySideUnderTest impatient = QuerySideUnderTest.start("opsplane.query.min-position-max-wait=300ms")) {
            String key = impatient.issueKey("reader@example.com", "logs:read");
            QuerySideUnderTest.Response behind = impatient.get("/v1/executions?minPosition="
                    + (impatient.headPosition() + 1000), key);
            assertThat(behind.status()).isEqualTo(503);
            assertThat(behind.code()).isEqualTo("projection_behind");
            assertThat(behind.retryAfter()).isEqualTo("1");
            assertThat(impatient.get("/v1/executions?minPosition=x", key).code()).isEqualTo("invalid_parameter");
        }
    }
}
