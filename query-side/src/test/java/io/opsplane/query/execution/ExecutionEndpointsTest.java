package io.opsplane.query.execution;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.query.support.QuerySideUnderTest;
import io.opsplane.query.support.QuerySideUnderTest.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.opsplane.query.support.ExecutionEvents.ALICE;
import static io.opsplane.query.support.ExecutionEvents.DEPLOY_BOT;
import static io.opsplane.query.support.ExecutionEvents.failed;
import static io.opsplane.query.support.ExecutionEvents.planned;
import static io.opsplane.query.support.ExecutionEvents.requested;
import static io.opsplane.query.support.ExecutionEvents.started;
import static io.opsplane.query.support.ExecutionEvents.stepSucceeded;
import static io.opsplane.query.support.ExecutionEvents.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

/** The execution read endpoints over HTTP, against the real application and an in-memory store. */
class ExecutionEndpointsTest {

    private static QuerySideUnderTest app;
    private static String reader;

    @BeforeAll
    static void start() {
        app = QuerySideUnderTest.start("opsplane.query.min-position-max-wait=2s");
        reader = app.issueKey("auditor@example.com", "logs:read");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void returnsAnExecutionWithItsTimeline() {
        String id = newId();
        long position = app.record(id, requested(id, "service.healthcheck", ALICE), started(id),
                stepSucceeded(id, "probe"), succeeded(id));

        Response response = app.get("/v1/executions/" + id + "?minPosition=" + position, reader);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        JsonNode execution = response.body();
        assertThat(names(execution)).containsExactlyInAnyOrder("executionId", "tool", "toolVersion", "mode", "status",
                "input", "output", "error", "actor", "approvalRequestId", "idempotencyKey", "reason", "plan",
                "createdAt", "startedAt", "finishedAt", "durationMs", "steps", "position", "timeline");
        assertThat(execution.path("executionId").asString()).isEqualTo(id);
        assertThat(execution.path("status").asString()).isEqualTo("succeeded");
        assertThat(execution.path("mode").asString()).isEqualTo("execute");
        assertThat(execution.path("position").asLong()).isEqualTo(position);
        assertThat(execution.path("actor").path("name").asString()).isEqualTo("alice@example.com");
        assertThat(execution.path("actor").path("kind").asString()).isEqualTo("human");
        assertThat(execution.path("input").path("headers").path("$ref").asString()).isEqualTo("#/a");
        assertThat(execution.path("createdAt").asString()).endsWith("Z");
        JsonNode timeline = execution.path("timeline");
        assertThat(timeline.valueStream().map(e -> e.path("type").asString())).containsExactly(
                "execution.requested", "execution.started", "execution.step_succeeded", "execution.succeeded");
        assertThat(timeline.valueStream().map(e -> e.path("sequence").asLong())).containsExactly(0L, 1L, 2L, 3L);
        assertThat(timeline.get(3).path("position").asLong()).isEqualTo(position);
        assertThat(timeline.get(0).path("position").asLong()).isLessThan(position);
    }

    @Test
    void answersExecutionNotFoundForAnUnknownId() {
        Response response = app.get("/v1/executions/no-such-execution", reader);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.code()).isEqualTo("execution_not_found");
        assertThat(response.body().path("type").asString()).isNotEmpty();
        assertThat(response.body().path("title").asString()).isNotEmpty();
        assertThat(response.body().path("status").asInt()).isEqualTo(404);
        assertThat(response.body().path("detail").asString()).isNotEmpty();
    }

    @Test
    void listsNewestFirstAndFilters() {
        String tool = "test.filters." + UUID.randomUUID();
        String succeededId = newId();
        String failedId = newId();
        String planId = newId();
        String botId = newId();
        Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        app.recordAt(base, succeededId, requested(succeededId, tool, ALICE), started(succeededId),
                succeeded(succeededId));
        app.recordAt(base.plusSeconds(1), failedId, requested(failedId, tool, ALICE), started(failedId),
                failed(failedId));
        app.recordAt(base.plusSeconds(2), planId, planned(planId, tool, ALICE));
        long head = app.recordAt(base.plusSeconds(3), botId, requested(botId, tool, DEPLOY_BOT));
        String query = "/v1/executions?minPosition=" + head + "&tool=" + tool;

        assertThat(ids(app.get(query, reader))).containsExactly(botId, planId, failedId, succeededId);
        assertThat(ids(app.get(query + "&status=failed", reader))).containsExactly(failedId);
        assertThat(ids(app.get(query + "&status=running", reader))).containsExactly(botId);
        assertThat(ids(app.get(query + "&mode=plan", reader))).containsExactly(planId);
        assertThat(ids(app.get(query + "&mode=execute", reader))).containsExactly(botId, failedId, succeededId);
        assertThat(ids(app.get(query + "&actor=" + encode("agent:deploy-bot"), reader))).containsExactly(botId);
        assertThat(ids(app.get("/v1/executions?minPosition=" + head + "&actor=" + encode("agent:deploy-bot")
                + "&tool=" + tool + "&status=succeeded", reader))).isEmpty();

        assertThat(ids(app.get(query + "&since=" + base.plusSeconds(1), reader)))
                .containsExactly(botId, planId, failedId);
        assertThat(ids(app.get(query + "&until=" + base.plusSeconds(2), reader)))
                .containsExactly(failedId, succeededId);
        assertThat(ids(app.get(query + "&since=" + base.plusSeconds(1) + "&until=" + base.plusSeconds(3), reader)))
                .containsExactly(planId, failedId);
    }

    /** A key limited to tool patterns sees only executions of those tools, listed or by id (issue 11). */
    @Test
    void aKeyLimitedToToolPatternsSeesOnlyExecutionsOfThoseTools() {
        String family = "fam" + UUID.randomUUID().toString().substring(0, 8);
        String visibleId = newId();
        String exactId = newId();
        String hiddenId = newId();
        app.record(visibleId, requested(visibleId, family + ".send", ALICE));
        app.record(exactId, requested(exactId, family + "x.exact", ALICE));
        long head = app.record(hiddenId, requested(hiddenId, "other" + family + ".refund", ALICE));
        String limited = app.issueKeyForTools("lim@example.com", List.of(family + ".*", family + "x.exact"),
                "logs:read");

        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            Response page = app.get("/v1/executions?limit=2&minPosition=" + head
                    + (cursor == null ? "" : "&cursor=" + cursor), limited);
            assertThat(page.status()).isEqualTo(200);
            seen.addAll(ids(page));
            cursor = page.body().path("nextCursor").isNull() ? null : page.body().path("nextCursor").asString();
        } while (cursor != null);
        assertThat(seen).containsExactly(exactId, visibleId);
        assertThat(app.get("/v1/executions/" + visibleId, limited).status()).isEqualTo(200);
        Response hidden = app.get("/v1/executions/" + hiddenId, limited);
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.code()).isEqualTo("execution_not_found");
        assertThat(ids(app.get("/v1/executions?tool=other" + family + ".refund", limited))).isEmpty();
        assertThat(app.get("/v1/executions/" + hiddenId, reader).status()).isEqualTo(200);
    }

    /** The actor filter compares principals in normal form, as recorded before keys were normalised too. */
    @Test
    void filtersByActorInNormalForm() {
        String tool = "test.actor." + UUID.randomUUID();
        String id = newId();
        Actor shouting = new Actor("key-old", " ALICE@Example.com",
                ActorKind.HUMAN, null);
        long head = app.record(id, requested(id, tool, shouting));

        assertThat(ids(app.get("/v1/executions?minPosition=" + head + "&tool=" + tool + "&actor="
                + encode("alice@example.com"), reader))).containsExactly(id);
        assertThat(ids(app.get("/v1/executions?tool=" + tool + "&actor=" + encode("Alice@EXAMPLE.com "), reader)))
                .containsExactly(id);
    }

    /** Every API response, refusals and the event stream included, is {@code Cache-Control: no-store} (issue 11). */
    @Test
    void noResponseMayBeStoredByACache() throws Exception {
        String id = newId();
        long position = app.record(id, planned(id, "service.healthcheck", ALICE));
        HttpClient http = HttpClient.newHttpClient();
        List<String> answered = new ArrayList<>();
        for (String[] call : new String[][]{{"/v1/executions/" + id + "?minPosition=" + position, reader},
                {"/v1/executions?limit=1", reader}, {"/v1/executions/no-such", reader}, {"/v1/executions", null},
                {"/v1/executions?limit=9999", reader}, {"/v1/no-such-route", reader},
                {"/v1/executions?minPosition=" + (position + 1_000_000), reader}}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.baseUrl() + call[0]));
            if (call[1] != null) {
                request.header("Authorization", "Bearer " + call[1]);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            answered.add(response.statusCode() + " " + call[0]);
            assertThat(response.headers().allValues("Cache-Control")).as(call[0]).containsExactly("no-store");
        }
        assertThat(answered).extracting(a -> a.substring(0, 3)).containsExactly("200", "200", "404", "401", "400",
                "404", "503");
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl()
                + "/v1/events/stream")).header("Authorization", "Bearer " + reader).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        stream.body().close();
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().allValues("Cache-Control")).containsExactly("no-store");
    }

    @Test
    void pagesWithoutDuplicatesOrHolesWhileExecutionsArrive() {
        String tool = "test.paging." + UUID.randomUUID();
        List<String> existing = new ArrayList<>();
        long head = 0;
        for (int i = 0; i < 7; i++) {
            String id = newId();
            existing.add(0, id);
            head = app.record(id, requested(id, tool, ALICE));
        }

        List<String> seen = new ArrayList<>();
        Response page = app.get("/v1/executions?limit=3&tool=" + tool + "&minPosition=" + head, reader);
        seen.addAll(ids(page));
        List<String> arrived = new ArrayList<>();
        while (!page.body().path("nextCursor").isNull()) {
            String id = newId();
            arrived.add(0, id);
            head = app.record(id, requested(id, tool, ALICE));
            page = app.get("/v1/executions?limit=3&tool=" + tool + "&minPosition=" + head
                    + "&cursor=" + page.body().path("nextCursor").asString(), reader);
            assertThat(page.status()).isEqualTo(200);
            seen.addAll(ids(page));
        }

        assertThat(seen).containsExactlyElementsOf(existing);
        List<String> everything = new ArrayList<>(arrived);
        everything.addAll(existing);
        assertThat(ids(app.get("/v1/executions?limit=500&tool=" + tool, reader))).containsExactlyElementsOf(everything);
    }

    @Test
    void endsWithANullCursorAndDefaultsToFiftyItems() {
        String tool = "test.limit." + UUID.randomUUID();
        long head = 0;
        for (int i = 0; i < 51; i++) {
            String id = newId();
            head = app.record(id, planned(id, tool, ALICE));
        }

        Response first = app.get("/v1/executions?tool=" + tool + "&minPosition=" + head, reader);
        assertThat(first.body().path("items")).hasSize(50);
        Response last = app.get("/v1/executions?tool=" + tool + "&cursor=" + first.body().path("nextCursor").asString(),
                reader);
        assertThat(last.body().path("items")).hasSize(1);
        assertThat(last.body().has("nextCursor")).isTrue();
        assertThat(last.body().path("nextCursor").isNull()).isTrue();
    }

    @Test
    void rejectsInvalidParameters() {
        for (String query : List.of("limit=501", "limit=0", "limit=ten", "status=done", "mode=dry-run",
                "since=yesterday", "until=2026-13-01T00:00:00Z", "cursor=not-a-cursor", "cursor=%25%25",
                "minPosition=soon", "minPosition=-3")) {
            Response response = app.get("/v1/executions?" + query, reader);
            assertThat(response.status()).as(query).isEqualTo(400);
            assertThat(response.code()).as(query).isEqualTo("invalid_parameter");
            assertThat(response.contentType()).as(query).startsWith("application/problem+json");
        }
        assertThat(app.get("/v1/executions/any?minPosition=x", reader).code()).isEqualTo("invalid_parameter");
    }

    @Test
    void waitsForMinPositionAndOtherwiseAnswersProjectionBehind() {
        String id = newId();
        long position = app.record(id, planned(id, "service.healthcheck", ALICE));

        assertThat(app.get("/v1/executions/" + id + "?minPosition=" + position, reader).status()).isEqualTo(200);
        assertThat(app.get("/v1/executions?minPosition=" + position, reader).status()).isEqualTo(200);

        Response behind = app.get("/v1/executions/" + id + "?minPosition=" + (position + 1_000_000), reader);
        assertThat(behind.status()).isEqualTo(503);
        assertThat(behind.code()).isEqualTo("projection_behind");
        assertThat(behind.retryAfter()).isEqualTo("1");
        assertThat(app.get("/v1/executions?minPosition=" + (position + 1_000_000), reader).code())
                .isEqualTo("projection_behind");
    }

    @Test
    void requiresAKeyWithLogsRead() {
        assertThat(app.get("/v1/executions", null).status()).isEqualTo(401);
        assertThat(app.get("/v1/executions", null).code()).isEqualTo("unauthenticated");
        assertThat(app.get("/v1/executions/x", "ops_unknownkey").code()).isEqualTo("unauthenticated");
        String operator = app.issueKey("operator@example.com", "tools:execute", "metrics:read");
        Response forbidden = app.get("/v1/executions", operator);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.code()).isEqualTo("forbidden");
        assertThat(app.get("/v1/executions/x", operator).code()).isEqualTo("forbidden");
        String admin = app.issueKey("root@example.com", "admin");
        assertThat(app.get("/v1/executions", admin).status()).isEqualTo(200);
    }

    @Test
    void answersUnknownRoutesAndMethodsWithProblems() {
        Response unknown = app.get("/v1/no-such-thing", reader);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("not_found");

        Response wrongMethod = app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/v1/executions/x"))
                .DELETE(), reader);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.code()).isEqualTo("method_not_allowed");
    }

    @Test
    void servesHealthAndTheOpenApiDocumentWithoutAKeyAndPrometheusOnlyWithOne() {
        Response health = app.get("/actuator/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().path("status").asString()).isEqualTo("UP");
        assertThat(app.get("/actuator/health/readiness", null).status()).isEqualTo(200);

        assertThat(app.get("/actuator/prometheus", null).status()).as("Prometheus needs a key").isEqualTo(401);
        assertThat(app.get("/actuator/prometheus", app.issueKey("prometheus@example.com", "metrics:read")).status())
                .isEqualTo(200);
        assertThat(app.get("/swagger-ui.html", null).status()).isIn(200, 302);
        assertThat(app.get("/swagger-ui/index.html", null).status()).isEqualTo(200);

        Response docs = app.get("/v3/api-docs", null);
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body().path("paths").has("/v1/executions")).isTrue();
        assertThat(docs.body().path("paths").has("/v1/executions/{executionId}")).isTrue();
    }

    @Test
    void describesItsOperationsWithTheKeySchemesAndTheProblemsEachCanAnswer() {
        Response docs = app.get("/v3/api-docs/query", null);
        assertThat(docs.status()).isEqualTo(200);
        JsonNode document = docs.body();
        assertThat(document.path("paths").has("/v1/executions/{executionId}")).isTrue();
        JsonNode schemes = document.path("components").path("securitySchemes");
        assertThat(schemes.path("bearerKey").path("scheme").asString()).isEqualTo("bearer");
        assertThat(schemes.path("apiKeyHeader").path("in").asString()).isEqualTo("header");
        assertThat(schemes.path("apiKeyHeader").path("name").asString()).isEqualTo("X-API-Key");
        assertThat(document.path("security").valueStream().map(r -> names(r).get(0)).toList())
                .containsExactly("bearerKey", "apiKeyHeader");
        assertThat(document.toString()).doesNotContain("AuthenticatedKey");

        JsonNode list = document.path("paths").path("/v1/executions").path("get");
        assertThat(list.path("parameters").valueStream().map(p -> p.path("name").asString()).toList())
                .contains("minPosition").doesNotContain("key", "keyId", "toolPatterns", "ratePerMinute", "rateBurst");
        assertThat(list.path("responses").path("401").path("x-problem-codes").valueStream().map(JsonNode::asString)
                .toList()).containsExactly("unauthenticated");
        assertThat(list.path("responses").path("401").path("content").path("application/problem+json").path("schema")
                .path("$ref").asString()).isEqualTo("#/components/schemas/Problem");
        assertThat(list.path("responses").path("403").path("x-problem-codes").get(0).asString()).isEqualTo("forbidden");
        assertThat(list.path("responses").path("503").path("x-problem-codes").get(0).asString())
                .isEqualTo("projection_behind");
        assertThat(document.path("components").path("schemas").path("Problem").path("required").valueStream()
                .map(JsonNode::asString).toList()).contains("code", "status");
    }

    private static String newId() {
        return "ex-" + UUID.randomUUID();
    }

    private static List<String> ids(Response response) {
        assertThat(response.status()).as(response.body().toString()).isEqualTo(200);
        return response.body().path("items").valueStream().map(e -> e.path("executionId").asString()).toList();
    }

    private static List<String> names(JsonNode node) {
        return node.propertyNames().stream().toList();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
