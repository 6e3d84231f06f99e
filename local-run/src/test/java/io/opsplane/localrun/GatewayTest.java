package io.opsplane.localrun;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class GatewayTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private FakeSide command;
    private FakeSide query;
    private Gateway gateway;

    @BeforeEach
    void start() throws IOException {
        command = new FakeSide("command");
        query = new FakeSide("query");
        gateway = Gateway.start(0, command.uri(), query.uri());
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        command.close();
        query.close();
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    @Test
    void readsGoToTheQuerySideAndEverythingElseToTheCommandSide() throws Exception {
        assertThat(send("GET", "/v1/tools", null).body()).isEqualTo("query GET /v1/tools");
        assertThat(send("HEAD", "/v1/executions/e1", null).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/v1/executions", "{}").body()).isEqualTo("command POST /v1/executions");
        assertThat(send("PUT", "/v1/things/1", "{}").body()).isEqualTo("command PUT /v1/things/1");
        assertThat(send("PATCH", "/v1/things/1", "{}").body()).isEqualTo("command PATCH /v1/things/1");
        assertThat(send("DELETE", "/v1/api-keys/k1", null).body()).isEqualTo("command DELETE /v1/api-keys/k1");
        assertThat(send("OPTIONS", "/v1/tools", null).body()).isEqualTo("command OPTIONS /v1/tools");

        assertThat(query.received()).extracting(Received::line)
                .containsExactly("GET /v1/tools", "HEAD /v1/executions/e1");
        assertThat(command.received()).extracting(Received::line)
                .containsExactly("POST /v1/executions", "PUT /v1/things/1", "PATCH /v1/things/1",
                        "DELETE /v1/api-keys/k1", "OPTIONS /v1/tools");
    }

    @Test
    void replayIsTheQuerySidesOperationWhateverTheMethod() throws Exception {
        HttpResponse<String> started = send("POST", "/v1/admin/replay", "{\"projections\":[\"executions\"]}");
        HttpResponse<String> status = send("GET", "/v1/admin/replay", null);

        assertThat(started.body()).isEqualTo("query POST /v1/admin/replay");
        assertThat(status.body()).isEqualTo("query GET /v1/admin/replay");
        assertThat(command.received()).isEmpty();
        assertThat(query.received()).extracting(Received::body)
                .containsExactly("{\"projections\":[\"executions\"]}", "");
    }

    @Test
    void theMcpEndpointIsTheCommandSidesWhateverTheMethod() throws Exception {
        assertThat(send("GET", "/mcp", null).body()).isEqualTo("command GET /mcp");
        assertThat(send("POST", "/mcp", "{}").body()).isEqualTo("command POST /mcp");
        assertThat(send("DELETE", "/mcp", null).body()).isEqualTo("command DELETE /mcp");
        assertThat(send("GET", "/mcpx", null).body()).isEqualTo("query GET /mcpx");
        assertThat(query.received()).extracting(Received::line).containsExactly("GET /mcpx");
    }

    @Test
    void passesTheRequestThroughAndTheResponseBack() throws Exception {
        String body = "{\"tool\":\"billing.refund\",\"input\":{\"amount\":1200},\"reason\":\"dup charge \u00e9\"}";
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(gatewayUri("/v1/executions?wait=60&x=a%20b"))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer ops_secret")
                        .header("Idempotency-Key", "retry-1")
                        .header("X-Trace", "one")
                        .header("X-Trace", "two")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        Received received = command.received().get(0);
        assertThat(received.query()).isEqualTo("wait=60&x=a%20b");
        assertThat(received.body()).isEqualTo(body);
        assertThat(received.headers().get("Content-type")).containsExactly("application/json");
        assertThat(received.headers().get("Authorization")).containsExactly("Bearer ops_secret");
        assertThat(received.headers().get("Idempotency-key")).containsExactly("retry-1");
        assertThat(received.headers().get("X-trace")).containsExactly("one", "two");
        assertThat(received.headers().get("X-forwarded-host")).containsExactly("127.0.0.1:" + gateway.port());

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Location")).hasValue("/v1/executions/e-42");
        assertThat(response.headers().allValues("RateLimit-Remaining")).containsExactly("2999");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void dropsHopByHopHeadersInBothDirections() throws Exception {
        String raw = "GET /v1/tools HTTP/1.1\r\nHost: localhost\r\nConnection: X-Hop\r\nX-Hop: secret\r\n"
                + "Keep-Alive: timeout=5\r\nTE: trailers\r\nX-Kept: yes\r\n\r\n";
        String response;
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.getOutputStream().write(raw.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            response = readHead(socket.getInputStream());
        }

        Map<String, List<String>> upstream = query.received().get(0).headers();
        assertThat(upstream).containsKey("X-kept").doesNotContainKeys("X-hop", "Keep-alive", "Te");
        assertThat(response).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("x-upstream-hop");
    }

    @Test
    void sideErrorsPassThroughUntouched() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/fail", "{}");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"code\":\"connector_unavailable\"");
    }

    @Test
    void serverSentEventsFlowEventByEventWithLastEventId() throws Exception {
        CountDownLatch firstEventReceived = new CountDownLatch(1);
        AtomicBoolean upstreamFinished = new AtomicBoolean();
        query.server.createContext("/v1/events/stream", exchange -> {
            query.record(exchange);
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("id: 8\nevent: execution.started\ndata: {\"position\":8}\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                firstEventReceived.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("id: 9\nevent: execution.succeeded\ndata: {\"position\":9}\n\n".getBytes(StandardCharsets.UTF_8));
            upstreamFinished.set(true);
            exchange.close();
        });

        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(gatewayUri("/v1/events/stream?type=execution.started"))
                        .header("Accept", "text/event-stream")
                        .header("Last-Event-ID", "7")
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            List<String> first = readEvent(events);
            boolean finishedBeforeFirstEvent = upstreamFinished.get();
            firstEventReceived.countDown();
            List<String> second = readEvent(events);

            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
            assertThat(first).containsExactly("id: 8", "event: execution.started", "data: {\"position\":8}");
            assertThat(finishedBeforeFirstEvent).as("the upstream had finished before the first event arrived").isFalse();
            assertThat(second).containsExactly("id: 9", "event: execution.succeeded", "data: {\"position\":9}");
            assertThat(events.readLine()).isNull();
        }
        Received received = query.received().get(0);
        assertThat(received.headers().get("Last-event-id")).containsExactly("7");
        assertThat(received.query()).isEqualTo("type=execution.started");
    }

    @Test
    void aClientLeavingAnEventStreamEndsTheUpstreamStream() throws Exception {
        CountDownLatch upstreamSawDisconnect = new CountDownLatch(1);
        query.server.createContext("/v1/events/stream", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            try {
                for (int position = 1; ; position++) {
                    out.write(("id: " + position + "\ndata: {}\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(20);
                }
            } catch (IOException e) {
                upstreamSawDisconnect.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(gatewayUri("/v1/events/stream")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(readEvent(events)).startsWith("id: 1");
        }

        assertThat(upstreamSawDisconnect.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anUnreachableSideIsA503Problem() throws Exception {
        Gateway toNothing = Gateway.start(0, URI.create("http://127.0.0.1:" + closedPort()),
                URI.create("http://127.0.0.1:" + closedPort() + "/"));
        toClose.add(toNothing);

        for (String method : List.of("GET", "POST")) {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + toNothing.port() + "/v1/executions"))
                            .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertThat(response.body())
                    .contains("\"type\":\"https://opsplane.io/problems/upstream_unavailable\"")
                    .contains("\"title\":\"Service Unavailable\"")
                    .contains("\"status\":503")
                    .contains("\"detail\":\"The " + (method.equals("GET") ? "query" : "command") + " side is not reachable")
                    .contains("\"code\":\"upstream_unavailable\"")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void aSideThatDoesNotAnswerInTimeIsA502Problem() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        command.server.createContext("/v1/slow", exchange -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        Gateway impatient = Gateway.start(0, command.uri(), query.uri(), Duration.ofSeconds(1));
        toClose.add(impatient);
        toClose.add(release::countDown);

        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + impatient.port() + "/v1/slow"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"status\":502").contains("\"code\":\"upstream_unavailable\"");
    }

    @Test
    void answersWhatIsNotValidHttpWithAProblemAndForwardsNothing() throws Exception {
        List<String> requestLines = List.of("GET /v1/tools?%zz HTTP/1.1", "GET /v1/tools?a[b]=c HTTP/1.1",
                "GET /v1/a%2Fb HTTP/1.1", "GET /v1/tools\u0001 HTTP/1.1", "GET /v1/tools\\..\\x HTTP/1.1",
                "GET /v1/a b HTTP/1.1");
        for (String requestLine : requestLines) {
            String answer = exchange(gateway.port(), requestLine + "\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertThat(answer).as(requestLine).startsWith("HTTP/1.1 400")
                    .contains("Content-Type: application/problem+json").contains("\"code\":\"invalid_parameter\"")
                    .doesNotContain("<html");
        }
        String bigHeader = exchange(gateway.port(), "GET /v1/tools HTTP/1.1\r\nHost: x\r\nX-Big: " + "v".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(bigHeader).startsWith("HTTP/1.1 400").contains("\"code\":\"invalid_parameter\"");
        assertThat(command.received()).isEmpty();
        assertThat(query.received()).isEmpty();
    }

    @Test
    void refusesHttp09WithAProblemBody() throws Exception {
        String answer = exchange(gateway.port(), "GET /v1/tools\r\n");

        assertThat(answer).startsWith("{").contains("\"code\":\"invalid_parameter\"");
        assertThat(query.received()).isEmpty();
    }

    @Test
    void aBrokenChunkedBodyIsAProblem() throws Exception {
        String answer = exchange(gateway.port(), "POST /v1/executions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400").contains("\"code\":\"invalid_parameter\"");
        assertThat(command.received()).allSatisfy(received -> assertThat(received.body()).isNotEqualTo("{}"));
    }

    @Test
    void closesAConnectionWhoseRequestHeadDoesNotArriveInTime() throws Exception {
        Gateway strict = Gateway.start(0, command.uri(), query.uri(), Gateway.REQUEST_TIMEOUT, Duration.ofMillis(500));
        toClose.add(strict);
        try (Socket socket = new Socket("127.0.0.1", strict.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /v1/tools HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));

            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(query.received()).isEmpty();
    }

    /** Sends raw bytes on a new connection and reads everything the gateway answers until it closes. */
    private static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The status line and headers of one response, up to the blank line (the connection stays open). */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gatewayUri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI gatewayUri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + gateway.port() + pathAndQuery);
    }

    private static List<String> readEvent(BufferedReader events) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = events.readLine()) != null && !line.isEmpty()) {
            lines.add(line);
        }
        return lines;
    }

    record Received(String method, String path, String query, Map<String, List<String>> headers, String body) {
        String line() {
            return method + " " + path;
        }
    }

    /** A side that answers "{name} {method} {path}" and records what it received. */
    static final class FakeSide implements AutoCloseable {
        final HttpServer server;
        private final String name;
        private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();

        FakeSide(String name) throws IOException {
            this.name = name;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", this::answer);
            server.createContext("/v1/fail", exchange -> {
                record(exchange);
                byte[] problem = "{\"type\":\"https://opsplane.io/problems/connector_unavailable\",\"status\":503,\"code\":\"connector_unavailable\"}"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
                exchange.sendResponseHeaders(503, problem.length);
                exchange.getResponseBody().write(problem);
                exchange.close();
            });
            server.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        List<Received> received() {
            return List.copyOf(received);
        }

        void record(HttpExchange exchange) throws IOException {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()), body));
        }

        private void answer(HttpExchange exchange) throws IOException {
            record(exchange);
            byte[] answer = (name + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath())
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Connection", "x-upstream-hop");
            exchange.getResponseHeaders().set("X-Upstream-Hop", "dropped");
            exchange.getResponseHeaders().add("RateLimit-Remaining", "2999");
            boolean created = exchange.getRequestMethod().equals("POST");
            if (created) {
                exchange.getResponseHeaders().set("Location", "/v1/executions/e-42");
            }
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(created ? 202 : 200, answer.length);
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
