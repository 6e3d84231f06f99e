package io.opsplane.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code events tail} against a stream that drops after each event, as an instance does when it stops: the command
 * line reconnects with {@code Last-Event-ID} and prints every event once.
 */
class EventsTailTest {

    @Test
    void resumesAfterTheLastEventWhenTheStreamDrops() throws Exception {
        List<String> lastEventIds = new CopyOnWriteArrayList<>();
        List<String> queries = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/events/stream", exchange -> {
            String lastId = exchange.getRequestHeaders().getFirst("Last-Event-ID");
            lastEventIds.add(String.valueOf(lastId));
            queries.add(exchange.getRequestURI().getRawQuery());
            long next = lastId == null ? 7 : Long.parseLong(lastId) + 1;
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write((": stream open\n\nid: " + next + "\nevent: execution.planned\ndata: {\"position\":" + next
                        + ",\"type\":\"execution.planned\",\"aggregateId\":\"ex_" + next
                        + "\",\"timestamp\":\"2026-12-06T10:00:00.000Z\",\"actor\":{\"name\":\"alice@example.com\"}}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
        try {
            Map<String, String> environment = Map.of("OPSPLANE_KEY", "k",
                    "OPSPLANE_URL", "http://127.0.0.1:" + server.getAddress().getPort());
            Run run = Run.of(environment, "events", "tail", "--type", "execution.planned", "--count", "3");

            assertThat(run.exitCode()).isZero();
            assertThat(run.out().lines()).containsExactly(
                    "7  2026-12-06 10:00:00  execution.planned  ex_7  alice@example.com",
                    "8  2026-12-06 10:00:00  execution.planned  ex_8  alice@example.com",
                    "9  2026-12-06 10:00:00  execution.planned  ex_9  alice@example.com");
            assertThat(lastEventIds).containsExactly("null", "7", "8");
            assertThat(queries).containsOnly("type=execution.planned");
            assertThat(run.err()).contains("reconnecting after position 7", "reconnecting after position 8");

            Run json = Run.of(environment, "events", "tail", "--after", "41", "--count", "1", "--json");
            assertThat(json.out()).startsWith("{\"position\":42,\"type\":\"execution.planned\"");
        } finally {
            server.stop(0);
        }
    }
}
