package io.opsplane.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document at the base URL is both sides' documents merged (ADR 0006): it equals what
 * the running sides generate, it has every routed operation of both sides and nothing else, it
 * says how keys are sent and never asks for the key the server resolves, and every operation lists
 * the problems it can answer. When an endpoint changes, rerun with {@code -Dopsplane.openapi.update=true}
 * to rewrite the platform's copy.
 */
class ApiDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path MERGED = Path.of("..", "platform", "src", "main", "resources", "io", "opsplane",
            "platform", "openapi", "opsplane-openapi.json");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @RegisterExtension
    static final RunningSystem system = RunningSystem.perClass();

    @Test
    void theBaseUrlServesBothSidesDocumentsMerged() throws Exception {
        JsonNode merged = ApiDocumentMerge.merge(document(system.commandSideUrl() + "/v3/api-docs/command"),
                document(system.querySideUrl() + "/v3/api-docs/query"));
        if (!merged.equals(served()) && Boolean.getBoolean("opsplane.openapi.update")) {
            Files.writeString(MERGED, ApiDocumentMerge.text(merged));
            return;
        }
        assertThat(served()).as("the merged OpenAPI document in platform (rerun with -Dopsplane.openapi.update=true)")
                .isEqualTo(merged);
        assertThat(Files.readString(MERGED)).as("the kept document is written as the merge writes it")
                .isEqualTo(ApiDocumentMerge.text(merged));
        assertThat(document(system.commandSideUrl() + "/v3/api-docs")).as("each side serves the merged document")
                .isEqualTo(merged);
        HttpResponse<String> yaml = HTTP.send(HttpRequest.newBuilder(URI.create(system.baseUrl() + "/v3/api-docs.yaml"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(new YAMLMapper().readTree(yaml.body())).as("the YAML is the same document").isEqualTo(merged);
    }

    @Test
    void itHasEveryRoutedOperationOfBothSidesAndNoOther() throws Exception {
        Map<String, ApplicationContext> sides = new LinkedHashMap<>();
        sides.put("command", system.commandSide());
        sides.put("query", system.querySide());
        Set<String> routed = Endpoints.of(sides).stream().filter(e -> e.pattern().startsWith("/v1/"))
                .map(Endpoints.Endpoint::methodAndPath).collect(Collectors.toCollection(TreeSet::new));
        assertThat(routed).as("the handler mappings were read").contains("POST /v1/executions", "GET /v1/executions",
                "POST /v1/admin/replay", "DELETE /v1/api-keys/{id}");

        assertThat(operations(served()).keySet()).isEqualTo(routed);
    }

    @Test
    void itSaysHowKeysAreSentAndNeverAsksForTheResolvedKey() throws Exception {
        JsonNode document = served();
        JsonNode schemes = document.path("components").path("securitySchemes");
        assertThat(schemes.path("bearerKey").path("type").asText()).isEqualTo("http");
        assertThat(schemes.path("bearerKey").path("scheme").asText()).isEqualTo("bearer");
        assertThat(schemes.path("apiKeyHeader").path("type").asText()).isEqualTo("apiKey");
        assertThat(schemes.path("apiKeyHeader").path("in").asText()).isEqualTo("header");
        assertThat(schemes.path("apiKeyHeader").path("name").asText()).isEqualTo("X-API-Key");
        List<String> requirements = new ArrayList<>();
        document.path("security").forEach(requirement -> requirement.fieldNames().forEachRemaining(requirements::add));
        assertThat(requirements).as("either scheme will do").containsExactly("bearerKey", "apiKeyHeader");

        // Neither as one parameter (the handlers call it key) nor flattened into query parameters of its components;
        // a path variable may well be called keyId.
        assertThat(document.toString()).doesNotContain("AuthenticatedKey");
        operations(document).forEach((operation, description) -> description.path("parameters").forEach(parameter -> {
            if (!"path".equals(parameter.path("in").asText())) {
                assertThat(parameter.path("name").asText()).as(operation)
                        .isNotIn("key", "keyId", "toolPatterns", "ratePerMinute", "rateBurst");
            }
        }));
    }

    @Test
    void everyOperationListsTheProblemsItCanAnswer() throws Exception {
        JsonNode document = served();
        JsonNode problem = document.path("components").path("schemas").path("Problem");
        assertThat(problem.path("properties").has("code")).isTrue();
        assertThat(JSON.convertValue(problem.path("required"), List.class)).contains("type", "title", "status", "code");

        Map<String, JsonNode> operations = operations(document);
        operations.forEach((operation, description) -> {
            JsonNode responses = description.path("responses");
            assertThat(codes(responses, "401")).as(operation).containsExactly("unauthenticated");
            assertThat(codes(responses, "403")).as(operation).containsExactly("forbidden");
            assertThat(codes(responses, "400")).as(operation).contains("invalid_parameter");
            assertThat(codes(responses, "429")).as(operation).containsExactly("rate_limited", "concurrency_limited");
            assertThat(codes(responses, "500")).as(operation).containsExactly("internal_error");
            if (description.has("requestBody")) {
                assertThat(codes(responses, "400")).as(operation).contains("malformed_json", "invalid_input");
                assertThat(codes(responses, "413")).as(operation).containsExactly("payload_too_large");
                assertThat(codes(responses, "415")).as(operation).containsExactly("unsupported_media_type");
            }
            responses.fields().forEachRemaining(response -> {
                if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
                    assertThat(response.getValue().path("content").path("application/problem+json").path("schema")
                            .path("$ref").asText()).as(operation + " " + response.getKey())
                            .isEqualTo("#/components/schemas/Problem");
                }
            });
        });
        assertThat(codes(operations.get("POST /v1/executions").path("responses"), "400"))
                .contains("invalid_idempotency_key");
        assertThat(codes(operations.get("GET /v1/executions/{executionId}").path("responses"), "503"))
                .containsExactly("projection_behind");
    }

    /** "POST /v1/executions" to the operation, for every operation of the document. */
    private static Map<String, JsonNode> operations(JsonNode document) {
        Map<String, JsonNode> operations = new LinkedHashMap<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
            if (METHODS.contains(method.getKey())) {
                operations.put(method.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), method.getValue());
            }
        }));
        return operations;
    }

    private static List<String> codes(JsonNode responses, String status) {
        List<String> codes = new ArrayList<>();
        responses.path(status).path("x-problem-codes").forEach(code -> codes.add(code.asText()));
        return codes;
    }

    /** The document at the base URL, fetched without a key: it is public. */
    private static JsonNode served() throws Exception {
        return document(system.baseUrl() + "/v3/api-docs");
    }

    private static JsonNode document(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).as(url).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/json"));
        return JSON.readTree(response.body());
    }
}
