package io.opsplane.command.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsplane.api.apikey.Scope;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.tool.ApprovalPolicy;
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
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code service.healthcheck}: one HTTP GET, reporting the status code and latency. Read-only and
 * idempotent. Refuses targets in denied networks (SSRF guard), checked after DNS resolution both
 * when the request arrives and again just before the call, and never follows redirects.
 */
public class HealthcheckTool implements Tool {

    static final String NAME = "service.healthcheck";
    private static final int DEFAULT_TIMEOUT_MS = 5_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<CidrBlock> denied;
    private final HttpClient http;
    private final ToolDescriptor descriptor;

    public HealthcheckTool(HealthcheckProperties properties) {
        this.denied = properties.deniedCidrs().stream().filter(s -> !s.isBlank()).map(CidrBlock::parse).toList();
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        this.descriptor = new ToolDescriptor(NAME, "1.0.0",
                "Calls a URL with GET and reports its HTTP status code and latency; fails when the status is not"
                        + " the expected one (any 2xx or 3xx unless expectStatus is given).",
                RiskLevel.LOW, Scope.TOOLS_EXECUTE, schema("""
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
                        """), schema("""
                        {"$schema": "https://json-schema.org/draft/2020-12/schema",
                         "type": "object", "required": ["statusCode", "latencyMs"],
                         "properties": {"statusCode": {"type": "integer"}, "latencyMs": {"type": "integer"}}}
                        """), true, true, true, false, List.of("/bearerToken"), ApprovalPolicy.none(), Duration.ofSeconds(35));
    }

    @Override
    public ToolDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public void checkInput(JsonNode input) {
        URI uri = URI.create(input.path("url").asText());
        try {
            refuseDenied(uri);
        } catch (UnknownHostException e) {
            // Unresolvable now is not a bad input: DNS may recover; the run reports it if not.
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
        URI uri = URI.create(input.path("url").asText());
        try {
            refuseDenied(uri);
        } catch (UnknownHostException e) {
            throw new ToolFailure("dns_failure", "cannot resolve " + uri.getHost());
        } catch (InvalidInputException e) {
            throw new ToolFailure("target_denied", e.getMessage());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofMillis(timeoutMs(input)))
                .header("User-Agent", "opsplane-healthcheck/1.0");
        if (input.hasNonNull("bearerToken")) {
            request.header("Authorization", "Bearer " + input.get("bearerToken").asText());
        }
        long started = System.nanoTime();
        HttpResponse<Void> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (HttpTimeoutException e) {
            throw new ToolFailure("timeout", "no answer from " + uri.getHost() + " within " + timeoutMs(input) + " ms");
        } catch (ConnectException e) {
            throw new ToolFailure("connection_failed", "cannot connect to " + uri.getHost() + ":" + port(uri));
        } catch (IOException e) {
            throw new ToolFailure("connection_failed", "request to " + uri.getHost() + " failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolFailure("interrupted", "the check was interrupted");
        }
        long latencyMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
        int status = response.statusCode();
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

    private void refuseDenied(URI uri) throws UnknownHostException {
        String host = uri.getHost();
        if (host == null) {
            throw new InvalidInputException("/url", "must name a host");
        }
        for (InetAddress address : InetAddress.getAllByName(host.replaceAll("^\\[|]$", ""))) {
            for (CidrBlock block : denied) {
                if (block.contains(address)) {
                    throw new InvalidInputException("/url", "resolves to " + address.getHostAddress()
                            + " in the denied network " + block.notation());
                }
            }
        }
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
