package io.opsplane.localrun;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.Tomcat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The single base URL of the local run: a streaming reverse proxy in front of the two sides.
 *
 * <p>It runs on embedded Tomcat, the container of the two sides, with the same limits: what Tomcat refuses
 * before any forwarding (a malformed request line, an illegal character or encoded {@code /} in the target, an
 * oversized or malformed header, a client that sends its request too slowly) is answered by
 * {@link GatewayErrorReportValve} with problem+json, as the sides answer it.
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
    static final String PROBLEM_TYPE_BASE = "https://opsplane.io/problems/";
    static final String PROBLEM_TYPE = PROBLEM_TYPE_BASE + "upstream_unavailable";

    /** Longer than the longest request a side may hold ({@code ?wait=60}) plus its own work. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long a client may take to send its request head or the next part of its body, as on the sides. */
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(20);

    /** RFC 9110 section 7.6.1, plus the ones the JDK client sets itself. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
            "te", "trailer", "transfer-encoding", "upgrade");
    private static final Set<String> SET_BY_CLIENT = Set.of("host", "content-length", "expect");
    private static final Set<String> SET_BY_SERVER = Set.of("content-length", "date");

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    /** Tomcat logs its start and stop at INFO through java.util.logging; only its warnings matter here. */
    private static final java.util.logging.Logger TOMCAT_LOG = java.util.logging.Logger.getLogger("org.apache");

    static {
        TOMCAT_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final Tomcat server;
    private final Path baseDir;
    private final HttpClient client;
    private final URI commandSide;
    private final URI querySide;
    private final Duration requestTimeout;

    private Gateway(Tomcat server, Path baseDir, HttpClient client, URI commandSide, URI querySide,
                    Duration requestTimeout) {
        this.server = server;
        this.requestTimeout = requestTimeout;
        this.baseDir = baseDir;
        this.client = client;
        this.commandSide = commandSide;
        this.querySide = querySide;
    }

    /** Listens on 127.0.0.1:{@code port} (0 for a free port) and forwards to the two sides. */
    public static Gateway start(int port, URI commandSide, URI querySide) {
        return start(port, commandSide, querySide, REQUEST_TIMEOUT);
    }

    static Gateway start(int port, URI commandSide, URI querySide, Duration requestTimeout) {
        return start(port, commandSide, querySide, requestTimeout, CLIENT_TIMEOUT);
    }

    static Gateway start(int port, URI commandSide, URI querySide, Duration requestTimeout, Duration clientTimeout) {
        Path baseDir;
        try {
            baseDir = Files.createTempDirectory("opsplane-gateway");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the gateway's working directory", e);
        }
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT)
                .executor(Executors.newCachedThreadPool(namedThreads("gateway-client-")))
                .build();
        Tomcat server = new Tomcat();
        server.setBaseDir(baseDir.toString());
        Gateway gateway = new Gateway(server, baseDir, client,
                withoutTrailingSlash(commandSide), withoutTrailingSlash(querySide), requestTimeout);
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("connectionTimeout", Long.toString(clientTimeout.toMillis()));
        // One thread per open exchange: an event stream holds its thread for as long as it lasts.
        connector.setProperty("maxThreads", "400");
        connector.setProperty("acceptCount", "128");
        // A processor that served an HTTP/0.9 request keeps answering the next connection's malformed request
        // line without a status line; a new processor per connection costs little and never does.
        connector.setProperty("processorCache", "0");
        server.getService().addConnector(connector);
        server.setConnector(connector);
        StandardHost host = (StandardHost) server.getHost();
        host.setErrorReportValveClass(GatewayErrorReportValve.class.getName());
        Context context = server.addContext("", baseDir.toString());
        Tomcat.addServlet(context, "gateway", new ForwardingServlet(gateway));
        context.addServletMappingDecoded("/", "gateway");
        try {
            server.start();
        } catch (LifecycleException e) {
            gateway.close();
            throw new IllegalStateException("cannot start the gateway on 127.0.0.1:" + port, e);
        }
        if (connector.getState() != LifecycleState.STARTED) {
            gateway.close();
            throw new IllegalStateException("cannot listen on 127.0.0.1:" + port + " (port taken?)");
        }
        return gateway;
    }

    public int port() {
        return server.getConnector().getLocalPort();
    }

    /** Stops accepting, gives exchanges in flight a moment, then drops the rest (event streams). */
    @Override
    public void close() {
        try {
            server.stop();
            server.destroy();
        } catch (LifecycleException e) {
            log.warn("the gateway did not stop cleanly", e);
        }
        deleteQuietly(baseDir);
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

    /** Every method and path goes to {@link #forward}; Tomcat has refused what is not HTTP before. */
    private static final class ForwardingServlet extends HttpServlet {
        private final transient Gateway gateway;

        ForwardingServlet(Gateway gateway) {
            this.gateway = gateway;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) {
            try {
                if (request.getProtocol().isEmpty()) {
                    // HTTP/0.9 has no status line or headers to carry an answer; nothing is forwarded.
                    writeProblem(request, response, 400, "invalid_parameter", "Bad request",
                            "HTTP/0.9 is not served; send HTTP/1.1");
                    return;
                }
                gateway.forward(request, response);
            } catch (IOException e) {
                // The client went away mid-response (a closed event stream, usually): nothing to answer.
                log.debug("exchange {} {} ended early: {}", request.getMethod(), request.getRequestURI(), e.toString());
            } catch (RuntimeException e) {
                log.warn("exchange {} {} failed", request.getMethod(), request.getRequestURI(), e);
                try {
                    writeProblem(request, response, 500, "internal_error", "Internal error",
                            "The gateway failed unexpectedly; see its log.");
                } catch (IOException gone) {
                    log.debug("could not answer {} {}: {}", request.getMethod(), request.getRequestURI(), gone.toString());
                }
            }
        }
    }

    private void forward(HttpServletRequest exchange, HttpServletResponse out) throws IOException {
        String method = exchange.getMethod().toUpperCase(Locale.ROOT);
        String rawPath = exchange.getRequestURI();
        URI upstream = upstreamFor(method, rawPath);
        URI target;
        try {
            target = new URI(upstream + rawPath + (exchange.getQueryString() == null ? "" : "?" + exchange.getQueryString()));
        } catch (URISyntaxException e) {
            // Tomcat let it through, but it is no URI (a stray % in the query): the sides would refuse it alike.
            writeProblem(exchange, out, 400, "invalid_parameter", "Bad request",
                    "The request target is not a valid URI: check its percent-encoding.");
            return;
        }

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
            sendProblem(exchange, out, 503, "Service Unavailable",
                    "The " + sideName(upstream) + " side is not reachable; it may still be starting.", true);
            return;
        } catch (HttpTimeoutException e) {
            sendProblem(exchange, out, 502, "Bad Gateway",
                    "The " + sideName(upstream) + " side did not answer within " + requestTimeout.toSeconds() + " s.", false);
            return;
        } catch (IOException e) {
            if (causedByClientBody(e)) {
                sendClientBodyProblem(exchange, out);
                return;
            }
            sendProblem(exchange, out, isConnectFailure(e) ? 503 : 502, isConnectFailure(e) ? "Service Unavailable" : "Bad Gateway",
                    "The " + sideName(upstream) + " side could not be reached or broke off the exchange.", isConnectFailure(e));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }

        try (InputStream body = response.body()) {
            copyResponseHeaders(response, out);
            int status = response.statusCode();
            long length = response.headers().firstValueAsLong("content-length").orElse(-1);
            boolean noBody = method.equals("HEAD") || status == 204 || status == 304 || (status >= 100 && status < 200);
            out.setStatus(status);
            if (noBody) {
                response.headers().firstValue("content-length")
                        .filter(value -> method.equals("HEAD"))
                        .ifPresent(value -> out.setHeader("Content-Length", value));
                out.flushBuffer();
                return;
            }
            if (length >= 0) {
                out.setContentLengthLong(length);
            }
            copyFlushing(body, out.getOutputStream());
        }
        // Closing the upstream body (above) cancels the upstream exchange when the client left early.
    }

    private static HttpRequest.BodyPublisher requestBody(HttpServletRequest exchange) {
        long contentLength = exchange.getContentLengthLong();
        boolean chunked = exchange.getHeader("Transfer-Encoding") != null;
        if (contentLength <= 0 && !chunked) {
            return HttpRequest.BodyPublishers.noBody();
        }
        HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(() -> clientBody(exchange));
        return chunked ? stream : HttpRequest.BodyPublishers.fromPublisher(stream, contentLength);
    }

    /** The client's body, whose read failures are told apart from the upstream's. */
    private static InputStream clientBody(HttpServletRequest exchange) {
        try {
            return new FilterInputStream(exchange.getInputStream()) {
                @Override
                public int read() throws IOException {
                    try {
                        return super.read();
                    } catch (IOException e) {
                        throw new ClientBodyException(e);
                    }
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    try {
                        return super.read(buffer, offset, length);
                    } catch (IOException e) {
                        throw new ClientBodyException(e);
                    }
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(new ClientBodyException(e));
        }
    }

    /** The client's request body broke off or was not valid HTTP framing. */
    static final class ClientBodyException extends IOException {
        ClientBodyException(IOException cause) {
            super("the client's request body could not be read", cause);
        }
    }

    private static boolean causedByClientBody(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ClientBodyException) {
                return true;
            }
        }
        return false;
    }

    private static void copyRequestHeaders(HttpServletRequest exchange, HttpRequest.Builder request) {
        Set<String> dropped = connectionListed(Collections.list(exchange.getHeaders("Connection")));
        for (String name : Collections.list(exchange.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || SET_BY_CLIENT.contains(lower) || dropped.contains(lower)
                    || lower.startsWith("x-forwarded-")) {
                continue;
            }
            for (String value : Collections.list(exchange.getHeaders(name))) {
                request.header(name, value);
            }
        }
        String host = exchange.getHeader("Host");
        if (host != null) {
            request.header("X-Forwarded-Host", host);
        }
        request.header("X-Forwarded-Proto", "http");
        request.header("X-Forwarded-For", exchange.getRemoteAddr());
    }

    private static void copyResponseHeaders(HttpResponse<?> response, HttpServletResponse exchange) {
        Set<String> dropped = connectionListed(response.headers().allValues("connection"));
        response.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(lower) && !SET_BY_SERVER.contains(lower) && !dropped.contains(lower)
                    && !lower.startsWith(":")) {
                values.forEach(value -> exchange.addHeader(name, value));
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

    private static boolean isEventStream(HttpServletRequest exchange) {
        String accept = exchange.getHeader("Accept");
        return exchange.getRequestURI().equals(EVENT_STREAM_PATH)
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

    private static void sendProblem(HttpServletRequest exchange, HttpServletResponse out, int status, String title,
                                    String detail, boolean retryLater) throws IOException {
        if (retryLater) {
            out.setHeader("Retry-After", "5");
        }
        writeProblem(exchange, out, status, "upstream_unavailable", title, detail);
    }

    /**
     * The client's body broke off or its framing is broken: bad input, not an upstream failure. (When Tomcat itself
     * found the framing broken, its error report answers instead, with the same code.)
     */
    private static void sendClientBodyProblem(HttpServletRequest exchange, HttpServletResponse out) throws IOException {
        writeProblem(exchange, out, 400, "invalid_parameter", "Bad request",
                "The request body could not be read: its chunked encoding is broken or it ended early.");
    }

    private static void writeProblem(HttpServletRequest exchange, HttpServletResponse out, int status, String code,
                                     String title, String detail) throws IOException {
        if (out.isCommitted()) {
            return;
        }
        String body = "{\"type\":\"" + PROBLEM_TYPE_BASE + code + "\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + jsonEscape(detail) + "\",\"code\":\"" + code + "\",\"instance\":\""
                + jsonEscape(exchange.getRequestURI()) + "\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.resetBuffer();
        out.setStatus(status);
        out.setContentType("application/problem+json");
        out.setHeader("Cache-Control", "no-store");
        if (exchange.getMethod().equalsIgnoreCase("HEAD")) {
            return;
        }
        out.setContentLength(bytes.length);
        out.getOutputStream().write(bytes);
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

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.debug("could not delete {}: {}", directory, e.toString());
        }
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
