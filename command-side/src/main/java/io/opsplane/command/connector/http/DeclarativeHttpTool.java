package io.opsplane.command.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsplane.api.execution.Effect;
import io.opsplane.command.tool.HeaderValues;
import io.opsplane.command.tool.SecretRedactor;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolContext;
import io.opsplane.command.tool.ToolDescriptor;
import io.opsplane.command.tool.ToolFailure;
import io.opsplane.platform.problem.InvalidInputException;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A tool an operator declared in the tools file: one HTTP request built from the input, and for
 * plans an optional dry-run request whose answer the plan shows. Secret headers come from the
 * environment and are never recorded; the request carries the step's {@code Idempotency-Key}.
 */
public class DeclarativeHttpTool implements Tool {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_RECORDED_BODY = 16_384;
    /** The most of an upstream answer that is read; a larger one fails the request instead of filling memory. */
    static final int MAX_RESPONSE_BYTES = 1 << 20;

    private final ToolDescriptor descriptor;
    private final RequestTemplate request;
    private final RequestTemplate dryRun;
    private final Function<String, String> environment;
    private final HttpClient http;
    private final String source;

    /**
     * One declared request.
     *
     * @param secretHeaders header name to the environment variable holding its value, and a prefix
     * @param expectStatus  the statuses that count as success; empty means any 2xx
     */
    record RequestTemplate(String method, String url, Map<String, String> headers,
                           Map<String, SecretHeader> secretHeaders, JsonNode body, List<Integer> expectStatus) {
    }

    /** A header whose value is read from the environment when the request is sent. */
    record SecretHeader(String env, String prefix) {
    }

    DeclarativeHttpTool(ToolDescriptor descriptor, RequestTemplate request, RequestTemplate dryRun,
                        Function<String, String> environment, HttpClient http, String source) {
        this.descriptor = descriptor;
        this.request = request;
        this.dryRun = dryRun;
        this.environment = environment;
        this.http = http;
        this.source = source;
    }

    @Override
    public ToolDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Optional<String> unavailableReason() {
        for (RequestTemplate template : templates()) {
            for (Map.Entry<String, SecretHeader> header : template.secretHeaders().entrySet()) {
                String value = environment.apply(header.getValue().env());
                if (value == null || value.isBlank()) {
                    return Optional.of("the environment variable " + header.getValue().env() + " for the header "
                            + header.getKey() + " (declared at " + source + ") is not set");
                }
                if (HeaderValues.hasControlCharacter(value)) {
                    return Optional.of("the environment variable " + header.getValue().env() + " for the header "
                            + header.getKey() + " (declared at " + source + ") holds a line break or another control"
                            + " character");
                }
            }
        }
        return Optional.empty();
    }

    /** Input values that end up in a header are refused before any request is built when they could split it. */
    @Override
    public void checkInput(JsonNode input) {
        for (RequestTemplate template : templates()) {
            for (String value : template.headers().values()) {
                for (String pointer : Templates.inputPointers(value)) {
                    JsonNode node = input.at(pointer);
                    if (node.isValueNode() && HeaderValues.hasControlCharacter(node.asText())) {
                        throw new InvalidInputException(pointer, HeaderValues.CONTROL_CHARACTER_MESSAGE);
                    }
                }
            }
        }
    }

    private List<RequestTemplate> templates() {
        return dryRun == null ? List.of(request) : List.of(request, dryRun);
    }

    @Override
    public List<Effect> plan(JsonNode input) throws ToolFailure {
        // What the plan records must not hold secret inputs; the dry-run request itself may use them.
        JsonNode shown = SecretRedactor.redact(input, descriptor.secretFields());
        Map<String, String> planContext = Map.of("executionId", "(at execution)", "stepKey", "(at execution)");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("method", request.method());
        details.put("headers", request.headers().isEmpty() ? Map.of()
                : new LinkedHashMap<>(renderHeaders(request, shown, planContext)));
        details.put("secretHeaders", List.copyOf(request.secretHeaders().keySet()));
        JsonNode body = Templates.json(request.body(), shown, planContext);
        if (body != null) {
            details.put("body", body);
        }
        if (dryRun != null) {
            if (unavailableReason().isPresent()) {
                throw new ToolFailure("connector_unavailable", unavailableReason().get());
            }
            details.put("dryRun", send(dryRun, input, Map.of("executionId", "plan", "stepKey", "plan"), null));
        }
        String url = Templates.text(request.url(), shown, planContext, true);
        return List.of(new Effect("http." + request.method().toLowerCase(Locale.ROOT), url,
                request.method() + " " + url + " (" + descriptor.name() + ")", details));
    }

    @Override
    public Map<String, Object> run(JsonNode input, ToolContext context) throws ToolFailure {
        String stepKey = context.stepKey("request");
        return send(request, input, Map.of("executionId", context.executionId(), "stepKey", stepKey), stepKey);
    }

    private Map<String, Object> send(RequestTemplate template, JsonNode input, Map<String, String> context,
                                     String idempotencyKey) throws ToolFailure {
        URI uri = URI.create(Templates.text(template.url(), input, context, true));
        JsonNode body = Templates.json(template.body(), input, context);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(descriptor.timeout())
                .header("User-Agent", "opsplane-http-tool/1.0")
                .method(template.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        if (idempotencyKey != null) {
            builder.header("Idempotency-Key", idempotencyKey);
        }
        renderHeaders(template, input, context).forEach(builder::header);
        template.secretHeaders().forEach((name, secret) -> builder.header(name,
                (secret.prefix() == null ? "" : secret.prefix()) + environment.apply(secret.env())));
        HttpResponse<InputStream> response;
        String responseBody;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            responseBody = boundedBody(response, uri);
        } catch (HttpTimeoutException e) {
            throw new ToolFailure("timeout", "no answer from " + uri.getHost() + " within " + descriptor.timeout().toMillis() + " ms");
        } catch (ConnectException e) {
            throw new ToolFailure("connection_failed", "cannot connect to " + uri.getHost());
        } catch (IOException e) {
            throw new ToolFailure("connection_failed", "request to " + uri.getHost() + " failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolFailure("interrupted", "the request was interrupted");
        }
        int status = response.statusCode();
        boolean expected = template.expectStatus().isEmpty() ? status >= 200 && status < 300
                : template.expectStatus().contains(status);
        if (!expected) {
            throw new ToolFailure("unexpected_status", template.method() + " " + uri.getHost() + uri.getPath()
                    + " answered HTTP " + status);
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("statusCode", status);
        output.put("body", parse(responseBody));
        return output;
    }

    /** Reads at most {@link #MAX_RESPONSE_BYTES} of the answer; closing the stream early drops the rest. */
    private static String boundedBody(HttpResponse<InputStream> response, URI uri) throws IOException, ToolFailure {
        try (InputStream body = response.body()) {
            byte[] bytes = body.readNBytes(MAX_RESPONSE_BYTES + 1);
            if (bytes.length > MAX_RESPONSE_BYTES) {
                throw new ToolFailure("response_too_large", uri.getHost() + " answered with more than "
                        + MAX_RESPONSE_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static Map<String, String> renderHeaders(RequestTemplate template, JsonNode input, Map<String, String> context) {
        Map<String, String> headers = new LinkedHashMap<>();
        template.headers().forEach((name, value) -> headers.put(name, Templates.text(value, input, context, false)));
        return headers;
    }

    private static Object parse(String body) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return body.length() > MAX_RECORDED_BODY ? body.substring(0, MAX_RECORDED_BODY) : body;
        }
    }
}
