package io.opsplane.command.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.tool.RiskLevel;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolContext;
import io.opsplane.command.tool.ToolDescriptor;
import io.opsplane.command.tool.ToolFailure;
import io.opsplane.platform.problem.InvalidInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code service.healthcheck}: one HTTP GET, reporting the status code and latency. Read-only and
 * idempotent. Refuses targets the {@link TargetGuard} denies, checked after DNS resolution both when
 * the request arrives (plans included) and again just before the call, which then connects to the
 * address that was checked; never follows redirects.
 */
public class HealthcheckTool implements Tool {

    static final String NAME = "service.healthcheck";
    private static final int DEFAULT_TIMEOUT_MS = 5_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TargetGuard guard;
    private final ToolDescriptor descriptor;

    public HealthcheckTool(TargetGuard guard) {
        this.guard = guard;
        this.descriptor = ToolDescriptor.builder(NAME)
                .version("1.0.0")
                .description("Calls a URL with GET and reports its HTTP status code and latency; fails when the status is not"
                        + " the expected one (any 2xx or 3xx unless expectStatus is given).")
                .riskLevel(RiskLevel.LOW)
                .inputSchema(schema("""
                        {"$schema": "https://json-schema.org/draft/2020-12/schema",
                         "type": "object", "additionalProperties": false, "required": ["url"],
                         "properties": {
                           "url": {"type": "string", "format": "uri", "pattern": "^[hH][tT][tT][pP][sS]?://[^/?#]+",
                                   "maxLength": 2048, "description": "http or https URL to GET"},
                           "expectStatus": {"type": "integer", "minimum": 100, "maximum": 599,
                                            "description": "the status code that counts as healthy"},
                           "timeoutMs": {"type": "integer", "minimum": 1, "maximum": 30000,
                                         "description": "how long to wait for the answer (default 5000)"},
                           "bearerToken": {"type": "string", "minLength": 1, "maxLength": 4096, "writeOnly": true,
                                           "description": "sent as Authorization: Bearer, for protected endpoints"}}}
                        """))
                .outputSchema(schema("""
                        {"$schema": "https://json-schema.org/draft/2020-12/schema",
                         "type": "object", "required": ["statusCode", "latencyMs"],
                         "properties": {"statusCode": {"type": "integer"}, "latencyMs": {"type": "integer"}}}
                        """))
                .supportsPlan()
                .idempotent()
                .readOnly()
                .secretFields(List.of("/bearerToken"))
                .timeout(Duration.ofSeconds(35))
                .build();
    }

    @Override
    public ToolDescriptor descriptor() {
        return descriptor;
    }

    /** The SSRF guard, in plan mode too: a denied target is refused before anything is recorded. */
    @Override
    public void checkInput(JsonNode input) {
        URI uri = url(input);
        try {
            guard.resolve(uri);
        } catch (UnknownHostException e) {
            // Unresolvable now is not a bad input: DNS may recover; the run reports it if not.
        } catch (TargetGuard.DeniedTargetException e) {
            throw new InvalidInputException("/url", e.getMessage());
        }
    }

    private static URI url(JsonNode input) {
        try {
            URI uri = new URI(input.path("url").asText());
            if (uri.getHost() == null) {
                throw new InvalidInputException("/url", "must be an absolute http or https URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidInputException("/url", "is not a valid URL");
        }
    }

    @Override
    public List<Effect> plan(JsonNode input) {
        String url = input.path("url").asText();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("method", "GET");
        details.put("expectStatus", input.has("expectStatus") ? input.get("expectStatus").asInt() : "2xx or 3xx");
        details.put("timeoutMs", timeoutMs(input));
        details.put("authenticated", input.has("bearerToken"));
        return List.of(new Effect("http.get", url, "GET " + url + " and check its status code (read-only)", details));
    }

    @Override
    public Map<String, Object> run(JsonNode input, ToolContext context) throws ToolFailure {
        URI uri = url(input);
        InetAddress address;
        try {
            // Resolved and checked once more just before the call, and the connection goes to this very address.
            address = guard.resolve(uri);
        } catch (UnknownHostException e) {
            throw new ToolFailure("dns_failure", "cannot resolve " + uri.getHost());
        } catch (TargetGuard.DeniedTargetException e) {
            throw new ToolFailure("target_denied", e.getMessage());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", "opsplane-healthcheck/1.0");
        if (input.hasNonNull("bearerToken")) {
            headers.put("Authorization", "Bearer " + input.get("bearerToken").asText());
        }
        long started = System.nanoTime();
        int status;
        try {
            status = PinnedHttp.send("GET", uri, address, headers, null, Duration.ofMillis(timeoutMs(input)));
        } catch (SocketTimeoutException e) {
            throw new ToolFailure("timeout", "no answer from " + uri.getHost() + " within " + timeoutMs(input) + " ms");
        } catch (ConnectException e) {
            throw new ToolFailure("connection_failed", "cannot connect to " + uri.getHost() + ":" + port(uri));
        } catch (IOException e) {
            throw new ToolFailure("connection_failed", "request to " + uri.getHost() + " failed: " + e.getClass().getSimpleName());
        }
        long latencyMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
        boolean healthy = input.has("expectStatus") ? status == input.get("expectStatus").asInt() : status < 400;
        if (!healthy) {
            String expected = input.has("expectStatus") ? String.valueOf(input.get("expectStatus").asInt()) : "2xx or 3xx";
            throw new ToolFailure("unexpected_status", "expected " + expected + ", got " + status + " after " + latencyMs + " ms");
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("statusCode", status);
        output.put("latencyMs", latencyMs);
        return output;
    }

    private static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static long timeoutMs(JsonNode input) {
        return input.has("timeoutMs") ? input.get("timeoutMs").asLong() : DEFAULT_TIMEOUT_MS;
    }

    private static JsonNode schema(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
