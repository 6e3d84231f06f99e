package io.opsplane.query.stream;

import io.opsplane.query.support.QuerySideUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.opsplane.query.support.ExecutionEvents.ALICE;
import static io.opsplane.query.support.ExecutionEvents.requested;
import static io.opsplane.query.support.ExecutionEvents.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

class EventStreamEndpointsTest {

    private static QuerySideUnderTest app;
    private static String reader;
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    static void start() {
        app = QuerySideUnderTest.start("opsplane.stream.poll-interval=20ms", "opsplane.stream.heartbeat-interval=300ms");
        reader = app.issueKey("reader@example.com", "logs:read");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void resumesAfterLastEventIdWithTheTypesAskedForAndThenFollowsNewEvents() throws Exception {
        app.record("s-1", requested("s-1", "service.healthcheck", ALICE), succeeded("s-1"));
        long firstSucceeded = app.headPosition();
        app.record("s-2", requested("s-2", "service.healthcheck", ALICE), succeeded("s-2"));
        long secondSucceeded = app.headPosition();

        try (Stream<String> lines = open("?type=execution.succeeded,execution.failed", firstSucceeded)) {
            BlockingQueue<String> received = drain(lines);

            List<String> first = nextEvent(received);
            assertThat(first).contains("id:" + secondSucceeded, "event:execution.succeeded");
            JsonNode data = json.readTree(dataOf(first));
            assertThat(data.path("position").asLong()).isEqualTo(secondSucceeded);
            assertThat(data.path("aggregateId").asString()).isEqualTo("s-2");
            assertThat(data.path("hash").asString()).startsWith("sha256:");

            app.record("s-3", requested("s-3", "service.healthcheck", ALICE), succeeded("s-3"));
            List<String> live = nextEvent(received);
            assertThat(live).contains("id:" + app.headPosition(), "event:execution.succeeded");
            assertThat(json.readTree(dataOf(live)).path("aggregateId").asString()).isEqualTo("s-3");
        }
    }

    /** The stream shows a key limited to tool patterns what {@code /v1/events} shows it (issue 11). */
    @Test
    void aKeyLimitedToToolPatternsFollowsOnlyTheEntriesOfItsTools() throws Exception {
        String limited = app.issueKeyForTools("lim@example.com", List.of("mine.*"), "logs:read");
        long start = app.headPosition();
        app.record("t-other", requested("t-other", "other.tool", ALICE), succeeded("t-other"));
        app.record("t-mine", requested("t-mine", "mine.tool", ALICE), succeeded("t-mine"));

        try (Stream<String> lines = open("", start, limited)) {
            BlockingQueue<String> received = drain(lines);
            assertThat(json.readTree(dataOf(nextEvent(received))).path("aggregateId").asString()).isEqualTo("t-mine");
            assertThat(json.readTree(dataOf(nextEvent(received))).path("aggregateId").asString()).isEqualTo("t-mine");
        }
    }

    @Test
    void sendsHeartbeatsWhileNothingHappens() throws Exception {
        try (Stream<String> lines = open("?type=nothing.ever", null)) {
            BlockingQueue<String> received = drain(lines);
            String line;
            do {
                line = received.poll(10, TimeUnit.SECONDS);
                assertThat(line).as("a heartbeat within 10 s").isNotNull();
            } while (!line.equals(":heartbeat"));
        }
    }

    @Test
    void endsOpenStreamsWhenTheApplicationStopsInsteadOfHoldingUpItsShutdown() throws Exception {
        // Heartbeats a minute apart: nothing but the stop can end this stream within the test's patience.
        try (QuerySideUnderTest stopping = QuerySideUnderTest.start("opsplane.stream.poll-interval=20ms",
                "opsplane.stream.heartbeat-interval=60s")) {
            String key = stopping.issueKey("watcher@example.com", "logs:read");
            HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(
                            URI.create(stopping.baseUrl() + "/v1/events/stream"))
                    .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream").GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> response.body().forEach(received::add));
            assertThat(received.poll(10, TimeUnit.SECONDS)).as("the stream's opening comment").startsWith(":");
            OpenStreams streams = stopping.bean(OpenStreams.class);
            assertThat(streams.count()).isEqualTo(1);

            streams.stop();

            ended.get(10, TimeUnit.SECONDS);
            assertThat(ended).isCompleted().isNotCompletedExceptionally();
            assertThat(stopping.get("/v1/events/stream", key).status()).isEqualTo(503);
        }
    }

    /** One key holds at most five streams (OPSPLANE_STREAMS_PER_KEY); another key still gets one (issue 12). */
    @Test
    void aKeyHoldsAtMostItsStreamsAndLeavesTheRestToOthers() throws Exception {
        String greedy = app.issueKey("greedy@example.com", "logs:read");
        List<Stream<String>> held = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                held.add(open("", null, greedy));
            }
            HttpResponse<String> sixth = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/v1/events/stream"))
                    .header("Authorization", "Bearer " + greedy).header("Accept", "text/event-stream").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(sixth.statusCode()).isEqualTo(429);
            assertThat(sixth.headers().firstValue("Retry-After")).isPresent();
            assertThat(json.readTree(sixth.body()).path("code").asString()).isEqualTo("concurrency_limited");

            try (Stream<String> other = open("", null, reader)) {
                assertThat(drain(other).poll(10, TimeUnit.SECONDS)).as("another key's stream opens").startsWith(":");
            }
        } finally {
            held.forEach(Stream::close);
        }
    }

    @Test
    void refusesBadPositionsAndKeysWithoutLogsRead() {
        assertThat(app.get("/v1/events/stream", null).status()).isEqualTo(401);
        assertThat(app.get("/v1/events/stream", app.issueKey("m@example.com", "metrics:read")).status()).isEqualTo(403);
        HttpRequest.Builder bad = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/v1/events/stream"))
                .header("Accept", "text/event-stream").header("Last-Event-ID", "soon").GET();
        QuerySideUnderTest.Response response = app.send(bad, reader);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.code()).isEqualTo("invalid_parameter");
    }

    private Stream<String> open(String query, Long lastEventId) throws Exception {
        return open(query, lastEventId, reader);
    }

    private Stream<String> open(String query, Long lastEventId, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/v1/events/stream" + query))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId.toString());
        }
        HttpResponse<Stream<String>> response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        return response.body();
    }

    private static BlockingQueue<String> drain(Stream<String> lines) {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        CompletableFuture.runAsync(() -> {
            try {
                lines.forEach(received::add);
            } catch (RuntimeException closed) {
                // the test closed the stream
            }
        });
        return received;
    }

    /** The lines of the next event that carries an id, up to its blank line. */
    private static List<String> nextEvent(BlockingQueue<String> received) throws InterruptedException {
        List<String> event = new ArrayList<>();
        while (true) {
            String line = received.poll(10, TimeUnit.SECONDS);
            assertThat(line).as("the next event within 10 s").isNotNull();
            if (line.isEmpty()) {
                if (event.stream().anyMatch(l -> l.startsWith("id:"))) {
                    return event;
                }
                event.clear();
            } else {
                event.add(line);
            }
        }
    }

    private static String dataOf(List<String> event) {
        return event.stream().filter(line -> line.startsWith("data:")).map(line -> line.substring(5))
                .reduce("", String::concat);
    }
}
