package io.opsplane.localrun;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The single base URL of the local run: a streaming reverse proxy in front of the two sides.
 *
 * <p>{@code GET} and {@code HEAD} go to the query side, every other method to the command side,
 * except {@value #REPLAY_PATH} (any method), which the query side owns, and {@value #MCP_PATH} (any
 * method: its GET is the MCP server's event stream, its DELETE ends a session), which the command
 * side serves. Bodies are copied as
 * they arrive in both directions, so Server-Sent Events reach the client event by event. When an
 * upstream cannot be reached the client gets {@code 503}, when it times out or breaks the
 * exchange {@code 502}, both as {@code application/problem+json} with code
 * {@code upstream_unavailable}; errors the sides answer themselves pass through unchanged.
 */
public final class Gateway implements AutoCloseable {

    static final String REPLAY_PATH = "/v1/admin/replay";
    /** The MCP server's one endpoint (Streamable HTTP): every method belongs to the command side. */
    static final String MCP_PATH = "/mcp";
    static final String EVENT_STREAM_PATH = "/v1/events/stream";
    static final String PROBLEM_TYPE = "https://opsplane.io/problems/upstream_unavailable";

    /** Longer than the longest request a side may hold ({@code ?wait=60}) plus its own work. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** RFC 9110 section 7.6.1, plus the ones the JDK client sets itself. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
            "te", "trailer", "transfer-encoding", "upgrade");
    private static final Set<String> SET_BY_CLIENT = Set.of("host", "content-length", "expect");
    private static final Set<String> SET_BY_SERVER = Set.of("content-length", "date");

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final HttpServer server;
    private final ExecutorService workers;
    private final HttpClient client;
    private final URI commandSide;
    private final URI querySide;
    private final Duration requestTimeout;

    private Gateway(HttpServer server, ExecutorService workers, HttpClient client, URI commandSide, URI querySide,
                    Duration requestTimeout) {
        this.server = server;
        this.requestTimeout = requestTimeout;
        this.workers = workers;
        this.client = client;
        this.commandSide = commandSide;
        this.querySide = querySide;
    }

    /** Listens on 127.0.0.1:{@code port} (0 for a free port) and forwards to the two sides. */
    public static Gateway start(int port, URI commandSide, URI querySide) {
        return start(port, commandSide, querySide, REQUEST_TIMEOUT);
    }

    static Gateway start(int port, URI commandSide, URI querySide, Duration requestTimeout) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on 127.0.0.1:" + port + " (port taken?)", e);
        }
        // One thread per open exchange: an event stream holds its thread for as long as it lasts.
        ExecutorService workers = Executors.newCachedThreadPool(namedThreads("gateway-"));
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT)
                .executor(Executors.newCachedThreadPool(namedThreads("gateway-client-")))
                .build();
        Gateway gateway = new Gateway(server, workers, client,
                withoutTrailingSlash(commandSide), withoutTrailingSlash(querySide), requestTimeout);
        server.createContext("/", gateway::handle);
        server.setExecutor(workers);
        server.start();
        return gateway;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops accepting, gives exchanges in flight a moment, then drops the rest (event streams). */
    @Override
    public void close() {
        server.stop(1);
        workers.shutdownNow();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    URI upstreamFor(String method, String path) {
        if (path.equals(REPLAY_PATH) || path.startsWith(REPLAY_PATH + "/")) {
            return querySide;
        }
        if (isMcp(path)) {
            return commandSide;
        }
        return method.equals("GET") || method.equals("HEAD") ? querySide : commandSide;
    }

    private static boolean isMcp(String path) {
        return path.equals(MCP_PATH) || path.startsWith(MCP_PATH + "/");
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            forward(exchange);
        } catch (IOException e) {
            // The client went away mid-response (a closed event stream, usually): nothing to answer.
            log.debug("exchange {} {} ended early: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
        } catch (RuntimeException e) {
            log.warn("exchange {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        }
    }

    private void forward(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        URI requested = exchange.getRequestURI();
        URI upstream = upstreamFor(method, requested.getPath());
        URI target = URI.create(upstream + requested.getRawPath()
                + (requested.getRawQuery() == null ? "" : "?" + requested.getRawQuery()));

        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .method(method, requestBody(exchange));
        if (!isEventStream(exchange)) {
            request.timeout(requestTimeout);
        }
        copyRequestHeaders(exchange, request);

        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            sendProblem(exchange, 503, "Service Unavailable",
                    "The " + sideName(upstream) + " side is not reachable; it may still be starting.", true);
            return;
        } catch (HttpTimeoutException e) {
            sendProblem(exchange, 502, "Bad Gateway",
                    "The " + sideName(upstream) + " side did not answer within " + requestTimeout.toSeconds() + " s.", false);
            return;
        } catch (IOException e) {
            sendProblem(exchange, isConnectFailure(e) ? 503 : 502, isConnectFailure(e) ? "Service Unavailable" : "Bad Gateway",
                    "The " + sideName(upstream) + " side could not be reached or broke off the exchange.", isConnectFailure(e));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }

        try (InputStream body = response.body()) {
            copyResponseHeaders(response, exchange);
            int status = response.statusCode();
            long length = response.headers().firstValueAsLong("content-length").orElse(-1);
            boolean noBody = method.equals("HEAD") || status == 204 || status == 304 || (status >= 100 && status < 200);
            if (noBody) {
                response.headers().firstValue("content-length")
                        .filter(value -> method.equals("HEAD"))
                        .ifPresent(value -> exchange.getResponseHeaders().set("Content-Length", value));
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            // 0 means chunked for the JDK server; an empty fixed-length body is -1.
            exchange.sendResponseHeaders(status, length < 0 ? 0 : (length == 0 ? -1 : length));
            copyFlushing(body, exchange.getResponseBody());
        }
        // Closing the upstream body (above) cancels the upstream exchange when the client left early.
    }

    private static HttpRequest.BodyPublisher requestBody(HttpExchange exchange) {
        Headers headers = exchange.getRequestHeaders();
        String contentLength = headers.getFirst("Content-Length");
        boolean chunked = headers.containsKey("Transfer-Encoding");
        if (contentLength == null && !chunked) {
            return HttpRequest.BodyPublishers.noBody();
        }
        HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(exchange::getRequestBody);
        if (contentLength != null && !chunked) {
            long length = Long.parseLong(contentLength.trim());
            return length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.fromPublisher(stream, length);
        }
        return stream;
    }

    private static void copyRequestHeaders(HttpExchange exchange, HttpRequest.Builder request) {
        Headers headers = exchange.getRequestHeaders();
        Set<String> dropped = connectionListed(headers.get("Connection"));
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || SET_BY_CLIENT.contains(name) || dropped.contains(name)
                    || name.startsWith("x-forwarded-")) {
                continue;
            }
            for (String value : header.getValue()) {
                request.header(header.getKey(), value);
            }
        }
        String host = headers.getFirst("Host");
        if (host != null) {
            request.header("X-Forwarded-Host", host);
        }
        request.header("X-Forwarded-Proto", "http");
        request.header("X-Forwarded-For", exchange.getRemoteAddress().getAddress().getHostAddress());
    }

    private static void copyResponseHeaders(HttpResponse<?> response, HttpExchange exchange) {
        Headers target = exchange.getResponseHeaders();
        Set<String> dropped = connectionListed(response.headers().allValues("connection"));
        response.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(lower) && !SET_BY_SERVER.contains(lower) && !dropped.contains(lower)
                    && !lower.startsWith(":")) {
                target.put(name, List.copyOf(values));
            }
        });
    }

    private static Set<String> connectionListed(List<String> connectionHeaders) {
        Set<String> names = new TreeSet<>();
        if (connectionHeaders != null) {
            for (String value : connectionHeaders) {
                for (String token : value.split(",")) {
                    names.add(token.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    /** Flushes after every read so that each server-sent event leaves as soon as it arrived. */
    private static void copyFlushing(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[8192];
        int read;
        while ((read = in.read(buffer)) >= 0) {
            out.write(buffer, 0, read);
            out.flush();
        }
    }

    private static boolean isEventStream(HttpExchange exchange) {
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        return exchange.getRequestURI().getPath().equals(EVENT_STREAM_PATH)
                || (accept != null && accept.contains("text/event-stream"));
    }

    private static boolean isConnectFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    private String sideName(URI upstream) {
        return upstream.equals(querySide) ? "query" : "command";
    }

    private static void sendProblem(HttpExchange exchange, int status, String title, String detail, boolean retryLater)
            throws IOException {
        String body = "{\"type\":\"" + PROBLEM_TYPE + "\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + detail + "\",\"code\":\"upstream_unavailable\",\"instance\":\""
                + jsonEscape(exchange.getRequestURI().getRawPath()) + "\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/problem+json");
        headers.set("Cache-Control", "no-store");
        if (retryLater) {
            headers.set("Retry-After", "5");
        }
        if (exchange.getRequestMethod().equalsIgnoreCase("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String jsonEscape(String value) {
        StringBuilder escaped = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                escaped.append('\\').append(c);
            } else if (c < 0x20) {
                escaped.append(String.format("\\u%04x", (int) c));
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    private static ThreadFactory namedThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
