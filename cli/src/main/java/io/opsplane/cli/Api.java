package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * The REST API of one Opsplane (../shared/API.md) over the JDK's HTTP client. Answers the server refuses become
 * {@link Failure}s: a problem document's {@code code} and {@code detail} (exit 1), no server or something that is not
 * Opsplane at the URL (exit 3).
 */
final class Api {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final Supplier<Credential> credential;
    private final ObjectMapper json;
    private final HttpClient http;

    Api(URI base, Supplier<Credential> credential, ObjectMapper json) {
        this.base = base;
        this.credential = credential;
        this.json = json;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** {@code OPSPLANE_URL} (default {@code http://localhost:8080}), checked to be an http(s) base URL. */
    static URI baseUrl(Terminal terminal) {
        String text = terminal.variable("OPSPLANE_URL", "http://localhost:8080").trim();
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            if (uri.getHost() == null || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                throw Failure.unreachable("OPSPLANE_URL '" + text + "' is not an http:// or https:// URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw Failure.unreachable("OPSPLANE_URL '" + text + "' is not a URL");
        }
    }

    URI base() {
        return base;
    }

    Response get(String path) {
        return send("GET", path, null, Map.of(), DEFAULT_TIMEOUT);
    }

    Response post(String path, JsonNode body) {
        return send("POST", path, body, Map.of(), DEFAULT_TIMEOUT);
    }

    Response delete(String path) {
        return send("DELETE", path, null, Map.of(), DEFAULT_TIMEOUT);
    }

    Response send(String method, String path, JsonNode body, Map<String, String> headers, Duration timeout) {
        HttpRequest.Builder request = request(path, headers).timeout(timeout).header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response = exchange(path, timeout,
                () -> http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
        Response answer = new Response(path, response.statusCode(), contentType(response),
                response.headers().firstValue("Location").orElse(null),
                response.headers().firstValue("Retry-After").orElse(null), response.body());
        if (!answer.isJson() && !answer.body().isEmpty()) {
            throw notOpsplane(answer);
        }
        return answer;
    }

    /** Opens a response to read as it arrives (the export, the event stream); anything but a 200 is refused. */
    HttpResponse<InputStream> open(String path, String accept, Map<String, String> headers) {
        HttpRequest request = request(path, headers).header("Accept", accept).GET().build();
        HttpResponse<InputStream> response = exchange(path, null,
                () -> http.send(request, HttpResponse.BodyHandlers.ofInputStream()));
        if (response.statusCode() == 200) {
            return response;
        }
        String body;
        try (InputStream in = response.body()) {
            body = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw unreachable(e);
        }
        throw refusal(new Response(path, response.statusCode(), contentType(response), null,
                response.headers().firstValue("Retry-After").orElse(null), body));
    }

    /** Returns {@code response} when its status is one of {@code expected}, else the refusal it carries. */
    Response expect(Response response, int... expected) {
        for (int status : expected) {
            if (response.status() == status) {
                return response;
            }
        }
        throw refusal(response);
    }

    JsonNode parse(Response response) {
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw notOpsplane(response);
        }
    }

    Failure refusal(Response response) {
        if (!response.isJson()) {
            return notOpsplane(response);
        }
        JsonNode problem = parse(response);
        String code = problem.path("code").asText("");
        if (code.isEmpty()) {
            return notOpsplane(response);
        }
        if (response.status() == 404 && code.equals("not_found")) {
            return Failure.unreachable(base + " does not serve " + response.path()
                    + " (404 not_found): is OPSPLANE_URL the base URL of an Opsplane?");
        }
        StringBuilder message = new StringBuilder(code).append(": ").append(problem.path("detail").asText(""));
        if (problem.path("errors").isArray() && !problem.path("errors").isEmpty()) {
            StringJoiner errors = new StringJoiner("; ", " (", ")");
            problem.path("errors").forEach(e -> errors.add(e.path("path").asText() + ": " + e.path("message").asText()));
            message.append(errors);
        }
        if (response.status() == 401) {
            message.append(" [the ").append(credential.get()).append(" was refused: wrong, revoked or expired]");
        }
        if (response.retryAfter() != null) {
            message.append(" [retry after ").append(response.retryAfter()).append(" s]");
        }
        return Failure.failed(message.toString());
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code path} with the non-null parameters as its query string. */
    static String query(String path, Map<String, ?> parameters) {
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        parameters.forEach((name, value) -> {
            if (value != null) {
                query.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
            }
        });
        return path + query;
    }

    static Map<String, Object> parameters(Object... namesAndValues) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            parameters.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return parameters;
    }

    private HttpRequest.Builder request(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + credential.get().key());
        headers.forEach(request::header);
        return request;
    }

    private Failure notOpsplane(Response response) {
        return Failure.unreachable(base + " answered " + response.path() + " with HTTP " + response.status()
                + (response.contentType().isEmpty() ? "" : " (" + response.contentType() + ")")
                + ", not with Opsplane's API: check OPSPLANE_URL");
    }

    private <T> T exchange(String path, Duration timeout, Exchange<T> exchange) {
        try {
            return exchange.run();
        } catch (HttpConnectTimeoutException e) {
            throw Failure.unreachable("cannot reach " + base + ": no connection within " + CONNECT_TIMEOUT.toSeconds() + " s");
        } catch (HttpTimeoutException e) {
            throw Failure.unreachable(base + " did not answer " + path + " within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failure.failed("interrupted");
        }
    }

    private Failure unreachable(IOException e) {
        String why;
        if (e instanceof ConnectException && !resolves(base.getHost())) {
            why = "unknown host " + base.getHost();
        } else if (e instanceof ConnectException) {
            why = "connection refused";
        } else {
            why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return Failure.unreachable("cannot reach " + base + ": " + why);
    }

    private static boolean resolves(String host) {
        try {
            InetAddress.getByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    private interface Exchange<T> {
        T run() throws IOException, InterruptedException;
    }

    /** One answer, its body read in full. */
    record Response(String path, int status, String contentType, String location, String retryAfter, String body) {

        boolean isJson() {
            String type = contentType.toLowerCase(java.util.Locale.ROOT);
            return type.startsWith("application/json") || type.startsWith("application/problem+json");
        }
    }
}
