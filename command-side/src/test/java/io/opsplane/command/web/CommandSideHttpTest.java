package io.opsplane.command.web;

import io.opsplane.command.support.Credentials;
import io.opsplane.command.support.JsonPost;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.opsplane.command.CommandSideApplication;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The command side alone over real HTTP, against an in-process embedded store: the execution
 * slice, idempotency, and the edge's answers to bad requests.
 */
class CommandSideHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dataDir;

    private static MongoServer store;
    private static ConfigurableApplicationContext app;
    private static HttpServer target;
    private static final AtomicInteger targetHits = new AtomicInteger();
    private static String base;
    private static String targetUrl;
    private static String adminKey;

    @BeforeAll
    static void start() throws Exception {
        store = new MongoServer(new MemoryBackend());
        InetSocketAddress storeAddress = store.bind();
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/ok", exchange -> {
            targetHits.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        target.createContext("/broken", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        target.createContext("/slow", exchange -> {
            try {
                Thread.sleep(2_500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        target.setExecutor(Executors.newCachedThreadPool());
        target.start();
        targetUrl = "http://127.0.0.1:" + target.getAddress().getPort();
        app = CommandSideApplication.builder().run(
                "--server.port=0",
                "--spring.mongodb.uri=mongodb://127.0.0.1:" + storeAddress.getPort() + "/opsplane",
                "--opsplane.data-dir=" + dataDir);
        base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        adminKey = Files.readString(dataDir.resolve("admin-key")).trim();
        Credentials.awaitProjected(app, adminKey);
    }

    @AfterAll
    static void stop() {
        app.close();
        target.stop(0);
        store.shutdownNow();
    }

    @Test
    void generatesTheAdminKeyIntoTheDataDirectoryReadableOnlyByItsOwner() throws IOException {
        assertThat(adminKey).startsWith("ops_").hasSizeGreaterThan(40);
        assertThat(Files.getPosixFilePermissions(dataDir.resolve("admin-key")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void runsTheHealthcheckAndAnswersWithTheOutcome() throws Exception {
        HttpResponse<String> response = post("/v1/executions", adminKey,
                "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"" + targetUrl + "/ok\"},\"reason\":\"smoke\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asText()).isEqualTo("succeeded");
        assertThat(body.path("mode").asText()).isEqualTo("execute");
        assertThat(body.path("tool").asText()).isEqualTo("service.healthcheck");
        assertThat(body.path("toolVersion").asText()).isEqualTo("1.0.0");
        assertThat(body.path("output").path("statusCode").asInt()).isEqualTo(200);
        assertThat(body.path("actor").path("name").asText()).isEqualTo("admin");
        assertThat(body.path("executionId").asText()).startsWith("ex_");
        assertThat(body.path("position").asLong()).isPositive();
        assertThat(body.path("durationMs").isNumber()).isTrue();
    }

    @Test
    void aToolFailureIsAnOkResponseWithAFailedExecution() throws Exception {
        HttpResponse<String> response = post("/v1/executions", adminKey,
                "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"" + targetUrl + "/broken\"}}");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asText()).isEqualTo("failed");
        assertThat(body.path("error").path("code").asText()).isEqualTo("unexpected_status");
    }

    @Test
    void plansWithoutTouchingTheTarget() throws Exception {
        int hitsBefore = targetHits.get();
        HttpResponse<String> response = post("/v1/executions", adminKey,
                "{\"tool\":\"service.healthcheck\",\"mode\":\"plan\",\"input\":{\"url\":\"" + targetUrl + "/ok\"}}");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asText()).isEqualTo("planned");
        assertThat(body.path("mode").asText()).isEqualTo("plan");
        assertThat(body.path("plan").path("effects").get(0).path("action").asText()).isEqualTo("http.get");
        assertThat(body.path("plan").path("digest").asText()).startsWith("sha256:");
        assertThat(targetHits.get()).isEqualTo(hitsBefore);
    }

    /**
     * A plan's answer is told from the event this node appended; its idempotent repeat finds the plan stored and
     * reads it. Both must say the same, to the position.
     */
    @Test
    void aPlanAnswersAsTheStoredPlanReadsBack() throws Exception {
        String key = "plan-" + Instant.now().toEpochMilli();
        String body = "{\"tool\":\"service.healthcheck\",\"mode\":\"plan\",\"input\":{\"url\":\"" + targetUrl
                + "/ok\",\"bearerToken\":\"plan-secret\"}}";
        HttpResponse<String> first = post("/v1/executions", adminKey, body, "Idempotency-Key", key);
        HttpResponse<String> repeat = post("/v1/executions", adminKey, body, "Idempotency-Key", key);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(repeat.statusCode()).isEqualTo(200);
        JsonNode told = JSON.readTree(first.body());
        assertThat(told.path("status").asText()).isEqualTo("planned");
        assertThat(told.path("position").asLong()).isPositive();
        assertThat(told.path("input").path("bearerToken").asText()).isEqualTo("[redacted]");
        assertThat(JSON.readTree(repeat.body())).isEqualTo(told);
    }

    @Test
    void answers202WithALocationWhenTheToolOutlastsTheWait() throws Exception {
        HttpResponse<String> response = post("/v1/executions?wait=0", adminKey,
                "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"" + targetUrl + "/slow\"}}");
        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asText()).isEqualTo("running");
        assertThat(response.headers().firstValue("Location")).hasValue("/v1/executions/" + body.path("executionId").asText());
    }

    @Test
    void redactsSecretInputsEverywhereTheyWouldBeShown() throws Exception {
        HttpResponse<String> response = post("/v1/executions", adminKey,
                "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"" + targetUrl + "/ok\",\"bearerToken\":\"s3cr3t-value\"}}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("s3cr3t-value");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asText()).isEqualTo("succeeded");
        assertThat(body.path("input").path("bearerToken").asText()).isEqualTo("[redacted]");
    }

    @Test
    void sameIdempotencyKeyAndBodyGiveOneExecutionEvenUnderFiftyConcurrentRetries() throws Exception {
        int hitsBefore = targetHits.get();
        String key = "retry-" + Instant.now().toEpochMilli();
        String body = "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"" + targetUrl + "/ok\"}}";
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(() -> post("/v1/executions", adminKey, body, "Idempotency-Key", key));
        }
        Set<String> ids = new HashSet<>();
        Set<String> bodies = new HashSet<>();
        for (Future<HttpResponse<String>> result : pool.invokeAll(calls)) {
            HttpResponse<String> response = result.get();
            assertThat(response.statusCode()).isEqualTo(200);
            ids.add(JSON.readTree(response.body()).path("executionId").asText());
            bodies.add(response.body());
        }
        pool.shutdown();
        assertThat(ids).hasSize(1);
        assertThat(bodies).hasSize(1);
        assertThat(targetHits.get() - hitsBefore).isEqualTo(1);

        HttpResponse<String> reused = post("/v1/executions", adminKey,
                "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"" + targetUrl + "/broken\"}}", "Idempotency-Key", key);
        assertProblem(reused, 422, "idempotency_key_reused");
    }

    @Test
    void refusesAnInvalidIdempotencyKey() throws Exception {
        assertProblem(post("/v1/executions", adminKey, "{\"tool\":\"service.healthcheck\",\"input\":{}}",
                "Idempotency-Key", "has spaces"), 400, "invalid_idempotency_key");
    }

    @Test
    void refusesInputThatDoesNotMatchTheSchemaNamingEachField() throws Exception {
        HttpResponse<String> response = post("/v1/executions", adminKey,
                "{\"tool\":\"service.healthcheck\",\"input\":{\"expectStatus\":\"two hundred\"}}");
        assertProblem(response, 400, "invalid_input");
        JsonNode errors = JSON.readTree(response.body()).path("errors");
        List<String> paths = new ArrayList<>();
        errors.forEach(e -> paths.add(e.path("path").asText()));
        assertThat(paths).contains("/url", "/expectStatus");
    }

    @Test
    void refusesTargetsInDeniedNetworks() throws Exception {
        HttpResponse<String> response = post("/v1/executions", adminKey,
                "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"http://169.254.169.254/latest/meta-data\"}}");
        assertProblem(response, 400, "invalid_input");
        assertThat(JSON.readTree(response.body()).path("errors").get(0).path("path").asText()).isEqualTo("/url");
        for (String url : List.of("http://[fd00:ec2::254]/", "http://100.100.100.200/", "http://192.0.0.192/",
                "http://[64:ff9b::a9fe:a9fe]/", "http://[::169.254.169.254]/", "http://0.0.0.0:8080/", "http://224.0.0.1/")) {
            HttpResponse<String> plan = post("/v1/executions", adminKey,
                    "{\"tool\":\"service.healthcheck\",\"mode\":\"plan\",\"input\":{\"url\":\"" + url + "\"}}");
            assertInvalidAt(plan, "/url");
        }
    }

    @Test
    void unknownToolIsNotFound() throws Exception {
        assertProblem(post("/v1/executions", adminKey, "{\"tool\":\"no.such.tool\",\"input\":{}}"), 404, "tool_not_found");
    }

    @Test
    void badModeAndMissingToolAreInvalidInput() throws Exception {
        HttpResponse<String> response = post("/v1/executions", adminKey, "{\"mode\":\"yolo\"}");
        assertProblem(response, 400, "invalid_input");
        assertThat(response.body()).contains("/tool", "/mode");
    }

    @Test
    void waitOutOfRangeIsAnInvalidParameter() throws Exception {
        assertProblem(post("/v1/executions?wait=61", adminKey, "{\"tool\":\"service.healthcheck\",\"input\":{}}"),
                400, "invalid_parameter");
    }

    @Test
    void authenticationFailuresAre401AndMissingScopes403() throws Exception {
        String body = "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"" + targetUrl + "/ok\"}}";
        assertProblem(post("/v1/executions", null, body), 401, "unauthenticated");
        assertProblem(post("/v1/executions", "ops_unknown_key_0000000000000000000000000", body), 401, "unauthenticated");

        String reader = issueKey("{\"name\":\"reader\",\"principal\":\"bob@example.com\",\"kind\":\"human\",\"scopes\":[\"logs:read\"]}");
        assertProblem(post("/v1/executions", reader, body), 403, "forbidden");

        String planner = issueKey("{\"name\":\"planner\",\"principal\":\"agent:planner\",\"kind\":\"agent\","
                + "\"owner\":\"carol@example.com\",\"scopes\":[\"tools:plan\"]}");
        assertThat(post("/v1/executions", planner, body.replace("{\"tool\"", "{\"mode\":\"plan\",\"tool\"")).statusCode())
                .isEqualTo(200);
        assertProblem(post("/v1/executions", planner, body), 403, "forbidden");

        String billingOnly = issueKey("{\"name\":\"billing\",\"principal\":\"dave@example.com\",\"kind\":\"human\","
                + "\"scopes\":[\"tools:execute\"],\"tools\":[\"billing.*\"]}");
        assertProblem(post("/v1/executions", billingOnly, body), 403, "forbidden");
    }

    @Test
    void revokedKeysStopWorking() throws Exception {
        String key = issueKey("{\"name\":\"temp\",\"principal\":\"erin@example.com\",\"kind\":\"human\",\"scopes\":[\"tools:plan\"]}");
        String id = JSON.readTree(lastIssued).path("id").asText();
        HttpResponse<String> revoked = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/api-keys/" + id))
                .header("Authorization", "Bearer " + adminKey).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).isEqualTo(204);
        String plan = "{\"tool\":\"service.healthcheck\",\"mode\":\"plan\",\"input\":{\"url\":\"" + targetUrl + "/ok\"}}";
        awaitStatus(() -> post("/v1/executions", key, plan).statusCode(), 401);
    }

    @Test
    void refusesBadRequestsWithProblemDocuments() throws Exception {
        assertProblem(post("/v1/executions", adminKey, "{\"tool\": "), 400, "malformed_json");
        assertProblem(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/executions"))
                .header("Authorization", "Bearer " + adminKey).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString()),
                415, "unsupported_media_type");
        assertProblem(post("/v1/executions", adminKey, "{\"tool\":\"" + "x".repeat(1_100_000) + "\"}"),
                413, "payload_too_large");
        assertProblem(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/nothing-here"))
                .header("Authorization", "Bearer " + adminKey).POST(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString()), 404, "not_found");
        assertProblem(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/executions"))
                .header("Authorization", "Bearer " + adminKey).PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString()),
                405, "method_not_allowed");
        assertProblem(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/executions"))
                .header("Authorization", "Bearer " + adminKey).header("Accept", "text/html")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString()), 406, "not_acceptable");
    }

    @Test
    void readsBodiesStrictlyAndNamesFieldsNeverClasses() throws Exception {
        for (String body : List.of("[", "[1,2", "{} x", "{\"tool\":\"service.healthcheck\"}{}")) {
            assertProblem(post("/v1/executions", adminKey, body), 400, "malformed_json");
        }
        assertInvalidAt(post("/v1/executions", adminKey, "{\"tool\":\"service.healthcheck\",\"inputs\":{}}"), "/inputs");
        assertInvalidAt(post("/v1/executions", adminKey, "{\"tool\":5}"), "/tool");
        String key = "\"principal\":\"frank@example.com\",\"kind\":\"human\",\"scopes\":[\"logs:read\"]";
        assertInvalidAt(post("/v1/api-keys", adminKey, "{\"name\":5," + key + "}"), "/name");
        assertInvalidAt(post("/v1/api-keys", adminKey, "{\"name\":\"n\",\"tools\":[5]," + key + "}"), "/tools/0");
        assertInvalidAt(post("/v1/api-keys", adminKey, "{\"name\":\"n\",\"rateLimit\":{\"perMinute\":1.5,\"burst\":1},"
                + key + "}"), "/rateLimit/perMinute");
        assertInvalidAt(post("/v1/api-keys", adminKey, "{\"name\":\"n\",\"rateLimit\":{\"perMinute\":0,\"burst\":1},"
                + key + "}"), "/rateLimit/perMinute");
    }

    @Test
    void refusesAnApiKeyRequestNamingEachFieldAndWhy() throws Exception {
        String human = "\"name\":\"n\",\"principal\":\"gina@example.com\",\"kind\":\"human\"";
        String agent = "\"name\":\"n\",\"principal\":\"agent:gina\",\"kind\":\"agent\"";
        assertErrors(post("/v1/api-keys", adminKey, "{" + agent + ",\"scopes\":[\"tools:plan\"]}"),
                "/owner", "is required for an agent key: the accountable human principal");
        assertErrors(post("/v1/api-keys", adminKey, "{" + agent + ",\"owner\":\" \",\"scopes\":[\"tools:plan\"]}"),
                "/owner", "is required for an agent key: the accountable human principal");
        assertErrors(post("/v1/api-keys", adminKey, "{" + human + ",\"owner\":\"hal@example.com\","
                + "\"scopes\":[\"tools:plan\"]}"), "/owner", "only agent keys have an owner");
        assertErrors(post("/v1/api-keys", adminKey, "{" + human + ",\"scopes\":[\"tools:plan\",\"a{b}${c}\\\\d\"]}"),
                "/scopes/1", "unknown scope 'a{b}${c}\\d'");
        assertErrors(post("/v1/api-keys", adminKey, "{" + human + ",\"scopes\":[\"tools:plan\"],"
                + "\"expiresAt\":\"tomorrow\"}"), "/expiresAt", "must be an ISO-8601 instant, e.g. 2026-12-31T00:00:00Z");
        assertErrors(post("/v1/api-keys", adminKey, "{" + human + ",\"scopes\":[\"tools:plan\"],"
                + "\"expiresAt\":\"2020-01-01T00:00:00Z\"}"), "/expiresAt", "must be in the future");
        assertErrors(post("/v1/api-keys", adminKey, "{" + human + ",\"scopes\":[\"fly\",\"logs:read\",\"swim\"],"
                + "\"expiresAt\":\"2020-01-01T00:00:00Z\"}"),
                "/scopes/0", "unknown scope 'fly'", "/scopes/2", "unknown scope 'swim'", "/expiresAt", "must be in the future");
    }

    /** A {@code 400 invalid_input} listing exactly these errors, as path, message pairs, in this order. */
    private static void assertErrors(HttpResponse<String> response, String... pathsAndMessages) throws IOException {
        assertProblem(response, 400, "invalid_input");
        JsonNode problem = JSON.readTree(response.body());
        List<String> found = new ArrayList<>();
        problem.path("errors").forEach(error -> {
            found.add(error.path("path").asText());
            found.add(error.path("message").asText());
        });
        assertThat(found).as(response.body()).containsExactly(pathsAndMessages);
        assertThat(problem.path("detail").asText()).isEqualTo(pathsAndMessages.length == 2
                ? pathsAndMessages[0] + ": " + pathsAndMessages[1]
                : pathsAndMessages.length / 2 + " problems with the input; see errors");
    }

    @Test
    void anUndecodableQueryParameterIsAnInvalidParameter() throws Exception {
        for (String query : List.of("wait=%ff", "wait=%ED%A0%80", "x=%E2%82")) {
            assertProblem(post("/v1/executions?" + query, adminKey, "{\"tool\":\"service.healthcheck\",\"input\":{}}"),
                    400, "invalid_parameter");
        }
    }

    @Test
    void aSecretWithALineBreakIsRefusedBeforeAnyRequestAndNeverLogged() throws Exception {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logged.start();
        root.addAppender(logged);
        int hitsBefore = targetHits.get();
        try {
            LoggerFactory.getLogger(CommandSideHttpTest.class).info("capturing the log from here");
            for (String mode : List.of("execute", "plan")) {
                HttpResponse<String> response = post("/v1/executions", adminKey, "{\"tool\":\"service.healthcheck\","
                        + "\"mode\":\"" + mode + "\",\"input\":{\"url\":\"" + targetUrl
                        + "/ok\",\"bearerToken\":\"tok\\r\\nX-Leak: s3cret-4711\"}}");
                assertInvalidAt(response, "/bearerToken");
                assertThat(response.body()).doesNotContain("s3cret-4711");
            }
        } finally {
            root.detachAppender(logged);
        }
        assertThat(targetHits.get()).isEqualTo(hitsBefore);
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage).contains("capturing the log from here");
        assertThat(logged.list).allSatisfy(event -> {
            assertThat(event.getFormattedMessage()).doesNotContain("s3cret-4711");
            if (event.getThrowableProxy() != null) {
                assertThat(ThrowableProxyUtil.asString(event.getThrowableProxy())).doesNotContain("s3cret-4711");
            }
        });
    }

    private static void assertInvalidAt(HttpResponse<String> response, String path) throws IOException {
        assertProblem(response, 400, "invalid_input");
        JsonNode problem = JSON.readTree(response.body());
        List<String> paths = new ArrayList<>();
        problem.path("errors").forEach(error -> paths.add(error.path("path").asText()));
        assertThat(paths).as(response.body()).contains(path);
        assertThat(problem.path("detail").asText()).doesNotContain("java.", "io.opsplane", "tools.jackson", "$");
    }

    @Test
    void healthAndOpenApiArePublic() throws Exception {
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("UP");
        HttpResponse<String> docs = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v3/api-docs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).contains("/v1/executions");
    }

    /**
     * This side's own document (the base URL's is both sides' merged): the key as the client sends it,
     * never the key the server resolves from it, and the problems each operation can answer.
     */
    @Test
    void describesItsOperationsWithTheKeySchemesAndTheProblemsEachCanAnswer() throws Exception {
        HttpResponse<String> docs = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v3/api-docs/command")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(docs.statusCode()).isEqualTo(200);
        JsonNode document = JSON.readTree(docs.body());
        JsonNode schemes = document.path("components").path("securitySchemes");
        assertThat(schemes.path("bearerKey").path("type").asText()).isEqualTo("http");
        assertThat(schemes.path("bearerKey").path("scheme").asText()).isEqualTo("bearer");
        assertThat(schemes.path("apiKeyHeader").path("type").asText()).isEqualTo("apiKey");
        assertThat(schemes.path("apiKeyHeader").path("name").asText()).isEqualTo("X-API-Key");
        assertThat(docs.body()).doesNotContain("AuthenticatedKey");

        JsonNode execute = document.path("paths").path("/v1/executions").path("post");
        List<String> parameters = new ArrayList<>();
        execute.path("parameters").forEach(parameter -> parameters.add(parameter.path("name").asText()));
        assertThat(parameters).contains("Idempotency-Key")
                .doesNotContain("key", "keyId", "toolPatterns", "ratePerMinute", "rateBurst");
        assertThat(codes(execute, "400")).containsExactly("invalid_parameter", "malformed_json", "invalid_input",
                "invalid_idempotency_key");
        assertThat(codes(execute, "401")).containsExactly("unauthenticated");
        assertThat(codes(execute, "403")).containsExactly("forbidden");
        assertThat(codes(execute, "413")).containsExactly("payload_too_large");
        assertThat(codes(execute, "415")).containsExactly("unsupported_media_type");
        assertThat(execute.path("responses").path("400").path("content").path("application/problem+json")
                .path("schema").path("$ref").asText()).isEqualTo("#/components/schemas/Problem");
    }

    private static List<String> codes(JsonNode operation, String status) {
        List<String> codes = new ArrayList<>();
        operation.path("responses").path(status).path("x-problem-codes").forEach(code -> codes.add(code.asText()));
        return codes;
    }

    /** Responses that carry a new key, and refusals, are {@code Cache-Control: no-store} (issue 11). */
    @Test
    void noResponseMayBeStoredByACache() throws Exception {
        HttpResponse<String> issued = post("/v1/api-keys", adminKey,
                "{\"name\":\"cached\",\"principal\":\"c@example.com\",\"kind\":\"human\",\"scopes\":[\"logs:read\"]}");
        assertThat(issued.statusCode()).isEqualTo(201);
        List<HttpResponse<String>> responses = List.of(issued,
                post("/v1/executions", null, "{\"tool\":\"service.healthcheck\"}"),
                post("/v1/executions", adminKey, "{\"mode\":\"sideways\"}"),
                post("/v1/no-such-route", adminKey, "{}"),
                post("/v1/executions", adminKey, "{\"tool\":\"service.healthcheck\",\"mode\":\"plan\","
                        + "\"input\":{\"url\":\"" + targetUrl + "/ok\"}}"));
        assertThat(responses).extracting(HttpResponse::statusCode).containsExactly(201, 401, 400, 404, 200);
        assertThat(responses).allSatisfy(response ->
                assertThat(response.headers().allValues("Cache-Control")).containsExactly("no-store"));
    }

    /**
     * An {@code OPSPLANE_ADMIN_KEY} that does not look generated stops the start, with a message that names
     * the variable and not the value (issue 11): 20 characters of anything used to be accepted.
     */
    @Test
    void refusesToStartWithAnAdminKeyThatDoesNotLookGenerated() {
        MongoServer otherStore = new MongoServer(new MemoryBackend());
        String weak = "ops_password-password-password";
        try {
            InetSocketAddress address = otherStore.bind();
            Throwable refused = catchThrowable(() -> CommandSideApplication.builder()
                    .run("--server.port=0", "--spring.mongodb.uri=mongodb://127.0.0.1:" + address.getPort() + "/other",
                            "--opsplane.data-dir=" + dataDir.resolve("weak"), "--opsplane.admin-key=" + weak)
                    .close());
            assertThat(refused).isNotNull();
            List<String> messages = new ArrayList<>();
            for (Throwable t = refused; t != null; t = t.getCause()) {
                messages.add(String.valueOf(t.getMessage()));
            }
            assertThat(messages).anyMatch(m -> m.contains("OPSPLANE_ADMIN_KEY") && m.contains("43 base64url"));
            assertThat(messages).noneMatch(m -> m.contains(weak));
        } finally {
            otherStore.shutdownNow();
        }
    }

    private static String lastIssued;

    private static String issueKey(String body) throws Exception {
        HttpResponse<String> response = post("/v1/api-keys", adminKey, body);
        assertThat(response.statusCode()).isEqualTo(201);
        lastIssued = response.body();
        JsonNode issued = JSON.readTree(response.body());
        assertThat(response.headers().firstValue("Location")).hasValue("/v1/api-keys/" + issued.path("id").asText());
        String key = issued.path("key").asText();
        Credentials.awaitProjected(app, key);
        return key;
    }

    private static void awaitStatus(Callable<Integer> status, int expected) throws Exception {
        Instant deadline = Instant.now().plusSeconds(5);
        int last = status.call();
        while (last != expected && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            last = status.call();
        }
        assertThat(last).isEqualTo(expected);
    }

    private static HttpResponse<String> post(String path, String key, String body, String... headers) throws Exception {
        return JsonPost.send(HTTP, base, path, key, body, headers);
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("code").asText()).isEqualTo(code);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.hasNonNull("type")).isTrue();
        assertThat(problem.hasNonNull("title")).isTrue();
        assertThat(problem.hasNonNull("detail")).isTrue();
    }
}
