package io.opsplane.standalone;

import io.opsplane.standalone.SharedTomcat.Side;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two small web applications stand in for the sides (the system tests run the real ones the same way): the base URL
 * hands each request to the side that owns it, in process, and each side's own port reaches that side alone.
 */
class SharedTomcatTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SharedTomcat tomcat;
    private ConfigurableApplicationContext command;
    private ConfigurableApplicationContext query;

    @BeforeEach
    void start() {
        tomcat = SharedTomcat.start();
        command = tomcat.run(Side.COMMAND, side("command"), "--server.port=0");
        query = tomcat.run(Side.QUERY, side("query"), "--server.port=0");
    }

    @AfterEach
    void stop() {
        tomcat.closeBaseUrl();
        query.close();
        command.close();
        tomcat.close();
    }

    @Test
    void readsGoToTheQuerySideAndEverythingElseToTheCommandSide() throws Exception {
        tomcat.open(0);
        assertThat(send("GET", base("/v1/executions/e-1")).body()).isEqualTo("query GET /v1/executions/e-1");
        assertThat(send("POST", base("/v1/executions")).body()).isEqualTo("command POST /v1/executions");
        assertThat(send("PUT", base("/v1/tools/x")).body()).isEqualTo("command PUT /v1/tools/x");
        assertThat(send("DELETE", base("/v1/webhooks/w")).body()).isEqualTo("command DELETE /v1/webhooks/w");
        HttpResponse<String> head = send("HEAD", base("/v1/events"));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("X-Side")).hasValue("query");
    }

    @Test
    void replayIsTheQuerySidesAndMcpTheCommandSidesWhateverTheMethod() throws Exception {
        tomcat.open(0);
        assertThat(send("POST", base("/v1/admin/replay")).body()).isEqualTo("query POST /v1/admin/replay");
        assertThat(send("GET", base("/v1/admin/replay/r-1")).body()).isEqualTo("query GET /v1/admin/replay/r-1");
        assertThat(send("GET", base("/mcp")).body()).isEqualTo("command GET /mcp");
        assertThat(send("DELETE", base("/mcp")).body()).isEqualTo("command DELETE /mcp");
        // Only the path itself or what lies below it: a longer name is routed by its method.
        assertThat(send("GET", base("/mcpx")).body()).isEqualTo("query GET /mcpx");
        assertThat(send("POST", base("/v1/admin/replays")).body()).isEqualTo("command POST /v1/admin/replays");
    }

    @Test
    void routesByTheDecodedPathWhatTheSideWillSee() throws Exception {
        tomcat.open(0);
        assertThat(send("POST", base("/v1/admin/%72eplay")).body()).isEqualTo("query POST /v1/admin/%72eplay");
        assertThat(send("POST", base("/v1/x/../admin/replay")).body()).startsWith("query POST");
    }

    @Test
    void eachSidesOwnPortReachesThatSideAlone() throws Exception {
        tomcat.open(0);
        assertThat(send("GET", own(command, "/v1/executions")).body()).isEqualTo("command GET /v1/executions");
        assertThat(send("POST", own(query, "/v1/executions")).body()).isEqualTo("query POST /v1/executions");
        // A Host header naming the other side's host changes nothing.
        assertThat(rawHost(port(command), "query")).startsWith("HTTP/1.1 200").endsWith("command GET /x");
        assertThat(rawHost(tomcat.port(), "command")).startsWith("HTTP/1.1 200").endsWith("query GET /x");
    }

    @Test
    void anAsynchronousAnswerAndAnEventStreamComeBackThroughTheBaseUrl() throws Exception {
        tomcat.open(0);
        assertThat(send("POST", base("/async")).body()).isEqualTo("command later");
        HttpResponse<InputStream> stream = HTTP.send(HttpRequest.newBuilder(URI.create(base("/stream")))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("data:query first");
            assertThat(lines.readLine()).isEmpty();
            // The second event is sent only once the client has read the first.
            Endpoints.firstRead.countDown();
            assertThat(lines.readLine()).isEqualTo("data:query second");
        }
    }

    @Test
    void theBaseUrlOpensOnlyOnceBothSidesAreReadyAndNotOnATakenPort() throws Exception {
        query.close();
        assertThatThrownBy(() -> tomcat.open(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("both sides");
        query = tomcat.run(Side.QUERY, side("query"), "--server.port=0");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> tomcat.open(taken.getLocalPort())).hasMessageContaining("port taken");
        }
        assertThatThrownBy(tomcat::port).hasMessageContaining("not open");
        tomcat.open(0);
        assertThat(send("GET", base("/x")).body()).isEqualTo("query GET /x");
    }

    @Test
    void theBaseUrlTakesTheCommandSidesConnectorSettings() throws Exception {
        command.close();
        command = tomcat.run(Side.COMMAND, side("command"), "--server.port=0",
                "--server.tomcat.connection-timeout=300ms");
        tomcat.open(0);
        // Tomcat's own default would hold a head that never completes for 60 s.
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tomcat.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /x HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void theBaseUrlRefusesHttp09WithTheProblemBodyAlone() throws Exception {
        tomcat.open(0);
        String answer = raw(tomcat.port(), "GET /x\r\n");
        assertThat(answer).startsWith("{").contains("\"status\":400").contains("\"code\":\"invalid_parameter\"");
        // The next connection is answered with a status line again.
        assertThat(raw(tomcat.port(), "GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200").endsWith("query GET /x");
    }

    @Test
    void closingTheBaseUrlLeavesTheSidesOwnPorts() throws Exception {
        tomcat.open(0);
        String baseUrl = base("/x");
        tomcat.closeBaseUrl();
        HttpClient fresh = HttpClient.newHttpClient();
        assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(URI.create(baseUrl)).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
        assertThat(send("GET", own(query, "/x")).body()).isEqualTo("query GET /x");
    }

    /** Closing the base URL stops new requests only: one being served gets its answer, its thread undisturbed. */
    @Test
    void aRequestInFlightWhenTheBaseUrlClosesIsStillAnswered() throws Exception {
        tomcat.open(0);
        Endpoints.slowEntered = new CountDownLatch(1);
        Endpoints.slowRelease = new CountDownLatch(1);
        String baseUrl = base("/slow");
        String next = base("/x");
        CompletableFuture<HttpResponse<String>> answer = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(baseUrl))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(Endpoints.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();

        tomcat.closeBaseUrl();
        HttpClient fresh = HttpClient.newHttpClient();
        assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(URI.create(next)).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
        assertThatThrownBy(tomcat::port).isInstanceOf(IllegalStateException.class);
        Endpoints.slowRelease.countDown();

        HttpResponse<String> slow = answer.get(20, TimeUnit.SECONDS);
        assertThat(slow.statusCode()).isEqualTo(200);
        assertThat(slow.body()).isEqualTo("command slow, not interrupted");
    }

    private String base(String path) {
        return "http://127.0.0.1:" + tomcat.port() + path;
    }

    private static String own(ConfigurableApplicationContext side, String path) {
        return "http://127.0.0.1:" + port(side) + path;
    }

    private static int port(ConfigurableApplicationContext side) {
        return Integer.parseInt(side.getEnvironment().getProperty("local.server.port"));
    }

    private static HttpResponse<String> send(String method, String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET of {@code /x} with its own Host header, which the JDK client will not send. */
    private static String rawHost(int port, String host) throws IOException {
        return raw(port, "GET /x HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    /** Sends {@code request} on a new connection and reads everything until the server closes it. */
    private static String raw(int port, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static SpringApplicationBuilder side(String name) {
        return new SpringApplicationBuilder(SideApplication.class).properties("side=" + name)
                .registerShutdownHook(false).bannerMode(Banner.Mode.OFF).logStartupInfo(false);
    }

    @SpringBootConfiguration
    @ImportAutoConfiguration({TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
            WebMvcAutoConfiguration.class})
    @Import(Endpoints.class)
    static class SideApplication {
    }

    /** Names the side that answered, the method and the path it saw. */
    @RestController
    static class Endpoints {
        static CountDownLatch firstRead = new CountDownLatch(1);

        private final String side;

        Endpoints(@Value("${side}") String side) {
            this.side = side;
        }

        static CountDownLatch slowEntered = new CountDownLatch(1);
        static CountDownLatch slowRelease = new CountDownLatch(1);

        @RequestMapping("/slow")
        String slow() {
            slowEntered.countDown();
            try {
                return slowRelease.await(15, TimeUnit.SECONDS) ? side + " slow, not interrupted" : side + " slow, timed out";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return side + " slow, interrupted";
            }
        }

        @RequestMapping("/async")
        CompletableFuture<String> async() {
            return CompletableFuture.supplyAsync(() -> side + " later",
                    CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
        }

        @RequestMapping("/stream")
        SseEmitter stream() {
            SseEmitter emitter = new SseEmitter(10_000L);
            firstRead = new CountDownLatch(1);
            CountDownLatch read = firstRead;
            Thread sender = new Thread(() -> {
                try {
                    emitter.send(side + " first");
                    if (read.await(10, TimeUnit.SECONDS)) {
                        emitter.send(side + " second");
                    }
                    emitter.complete();
                } catch (IOException | InterruptedException e) {
                    emitter.completeWithError(e);
                }
            });
            sender.setDaemon(true);
            sender.start();
            return emitter;
        }

        @RequestMapping("/**")
        String who(HttpServletRequest request, HttpServletResponse response) {
            response.setHeader("X-Side", side);
            return side + " " + request.getMethod() + " " + request.getRequestURI();
        }
    }
}
