package io.opsplane.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of malformed requests, generated from a fixed seed over every operation of the OpenAPI document at
 * the local base URL (both applications' operations, merged) and sent through it: every one gets an answer (no
 * hang, no dropped connection), none a 5xx, and every error is problem+json with a code of the contract whose
 * detail names no Java class.
 */
class EdgeFuzzTest {

    private static final long SEED = 20261206L;
    private static final int PROBES_PER_OPERATION = 80;
    private static final int CLIENT_TIMEOUT_MILLIS = 40_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The contract's general codes and those its endpoints name. */
    private static final Set<String> CONTRACT_CODES = Set.of(
            "malformed_json", "invalid_input", "invalid_idempotency_key", "invalid_parameter", "payload_too_large",
            "unsupported_media_type", "not_acceptable", "not_found", "method_not_allowed", "forbidden",
            "unauthenticated", "rate_limited", "concurrency_limited", "tool_not_found", "execution_not_found",
            "approval_request_not_found", "api_key_not_found", "webhook_not_found", "invalid_state", "already_executed",
            "not_approved", "payload_mismatch", "plan_drift", "approval_expired", "self_approval_forbidden",
            "agent_cannot_approve", "already_approved_by_you", "idempotency_key_reused", "idempotency_key_in_use",
            "connector_unavailable", "projection_behind", "replay_in_progress");
    private static final Pattern JAVA_CLASS = Pattern.compile("\\b(?:java|javax|jakarta|io\\.opsplane|tools\\.jackson|com\\.fasterxml|org\\.springframework|org\\.apache)\\.[a-z]");

    @TempDir
    Path dataDir;

    @Test
    void answersEveryMalformedRequestWithAContractProblem() throws Exception {
        try (RunningSystem system = RunningSystem.startWithBothSides(dataDir,
                "--opsplane.rate-limit.per-minute=10000000", "--opsplane.rate-limit.burst=10000000")) {
            List<MalformedRequests.Operation> operations = new ArrayList<>(operations(system.baseUrl()));
            // The container's error dispatch is no operation of the document, but a client can still ask for it
            // (the base URL sends GET and HEAD to the query side, the rest to the command side).
            for (String method : List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")) {
                operations.add(new MalformedRequests.Operation(method, "/error", List.of(), null));
            }
            assertThat(operations).extracting(MalformedRequests.Operation::pathTemplate)
                    .contains("/v1/executions", "/v1/api-keys", "/v1/events/stream", "/v1/tools");

            MalformedRequests corpus = new MalformedRequests(SEED, system.adminKey(), "127.0.0.1");
            List<MalformedRequests.Probe> probes = new ArrayList<>(corpus.unfinished(operations.stream()
                    .filter(operation -> operation.pathTemplate().equals("/v1/executions")).findFirst().orElseThrow()));
            probes.addAll(corpus.over(operations, PROBES_PER_OPERATION));
            assertThat(probes).hasSizeGreaterThan(2_000);

            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            ExecutorService senders = Executors.newFixedThreadPool(6);
            try {
                List<Future<?>> sent = new ArrayList<>();
                for (MalformedRequests.Probe probe : probes) {
                    sent.add(senders.submit(() -> {
                        RawHttp.Answer answer = RawHttp.exchange(system.basePort(), probe.bytes(), CLIENT_TIMEOUT_MILLIS);
                        judge(probe, answer).ifPresent(failures::add);
                        return null;
                    }));
                }
                for (Future<?> future : sent) {
                    future.get();
                }
            } finally {
                senders.shutdownNow();
            }
            System.out.printf("EdgeFuzzTest: %d operations, %d requests, %d outside the contract%n", operations.size(),
                    probes.size(), failures.size());
            assertThat(failures).as("%d of %d probes got an answer outside the contract", failures.size(), probes.size())
                    .isEmpty();
        }
    }

    private static java.util.Optional<String> judge(MalformedRequests.Probe probe, RawHttp.Answer answer) {
        if (answer.timedOut()) {
            return java.util.Optional.of(probe.description() + ": no answer within " + CLIENT_TIMEOUT_MILLIS + " ms");
        }
        if (answer.status() < 0 && probe.incomplete()) {
            return java.util.Optional.empty();
        }
        if (answer.status() < 0) {
            return java.util.Optional.of(probe.description() + ": connection closed without an answer");
        }
        if (answer.status() >= 500) {
            return java.util.Optional.of(probe.description() + ": " + answer.status() + " " + abbreviate(answer.text()));
        }
        if (answer.status() == 0 && !probe.http09()) {
            return java.util.Optional.of(probe.description() + ": answered without a status line");
        }
        if ((answer.status() > 0 && answer.status() < 400) || probe.method().equals("HEAD")) {
            return java.util.Optional.empty();
        }
        String contentType = answer.status() == 0 ? "application/problem+json" : answer.header("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/problem+json")) {
            return java.util.Optional.of(probe.description() + ": " + answer.status() + " as " + contentType + ": "
                    + abbreviate(answer.text()));
        }
        JsonNode problem;
        try {
            problem = JSON.readTree(answer.body());
        } catch (Exception e) {
            return java.util.Optional.of(probe.description() + ": problem body is not JSON: " + abbreviate(answer.text()));
        }
        String code = problem.path("code").asText("");
        if (!CONTRACT_CODES.contains(code)) {
            return java.util.Optional.of(probe.description() + ": code '" + code + "' is not the contract's ("
                    + answer.status() + ")");
        }
        if ((answer.status() > 0 && problem.path("status").asInt() != answer.status()) || !problem.hasNonNull("type")
                || !problem.hasNonNull("title") || !problem.hasNonNull("detail")) {
            return java.util.Optional.of(probe.description() + ": incomplete problem " + abbreviate(answer.text()));
        }
        if (JAVA_CLASS.matcher(problem.path("detail").asText()).find()) {
            return java.util.Optional.of(probe.description() + ": detail names a class: " + problem.path("detail").asText());
        }
        return java.util.Optional.empty();
    }

    /** Every operation of the OpenAPI document at {@code baseUrl}, with its query parameters and body schema. */
    private static List<MalformedRequests.Operation> operations(String baseUrl) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl + "/v3/api-docs"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode document = JSON.readTree(response.body());
        List<MalformedRequests.Operation> operations = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields();
            while (methods.hasNext()) {
                Map.Entry<String, JsonNode> method = methods.next();
                List<String> query = new ArrayList<>();
                method.getValue().path("parameters").forEach(parameter -> {
                    if ("query".equals(parameter.path("in").asText())) {
                        query.add(parameter.path("name").asText());
                    }
                });
                JsonNode schema = method.getValue().path("requestBody").path("content").path("application/json").path("schema");
                operations.add(new MalformedRequests.Operation(method.getKey().toUpperCase(Locale.ROOT), path.getKey(),
                        query, resolve(document, schema)));
            }
        }
        return operations;
    }

    private static JsonNode resolve(JsonNode document, JsonNode schema) {
        if (schema.isMissingNode()) {
            return null;
        }
        String reference = schema.path("$ref").asText("");
        return reference.startsWith("#/") ? document.at(reference.substring(1)) : schema;
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}
