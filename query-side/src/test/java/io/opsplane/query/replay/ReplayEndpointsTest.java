package io.opsplane.query.replay;

import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.apikey.ApiKeyIssuedEvent;
import io.opsplane.api.apikey.ApiKeyRevokedEvent;
import io.opsplane.api.apikey.Scope;
import io.opsplane.api.approval.ApprovalRequestedEvent;
import io.opsplane.api.approval.RequestApprovedEvent;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.execution.Plan;
import io.opsplane.api.execution.ToolRef;
import io.opsplane.api.tool.ApprovalPolicy;
import io.opsplane.api.tool.CatalogPublishedEvent;
import io.opsplane.api.tool.RiskLevel;
import io.opsplane.api.tool.ToolAnnotations;
import io.opsplane.api.tool.ToolSpec;
import io.opsplane.api.webhook.WebhookDeletedEvent;
import io.opsplane.api.webhook.WebhookRegisteredEvent;
import io.opsplane.query.consistency.ProjectionProgress;
import io.opsplane.query.support.QuerySideUnderTest;
import io.opsplane.query.support.QuerySideUnderTest.Response;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.MongoTemplate;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.opsplane.query.support.ExecutionEvents.ALICE;
import static io.opsplane.query.support.ExecutionEvents.failed;
import static io.opsplane.query.support.ExecutionEvents.planned;
import static io.opsplane.query.support.ExecutionEvents.requested;
import static io.opsplane.query.support.ExecutionEvents.started;
import static io.opsplane.query.support.ExecutionEvents.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

class ReplayEndpointsTest {

    private static QuerySideUnderTest app;
    private static String admin;

    @BeforeAll
    static void start() {
        app = QuerySideUnderTest.start();
        admin = app.issueKey("root@example.com", "admin");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void rebuildsEveryReadModelIntoDocumentsEqualToTheLiveOnesWhileTheLiveOnesServe() throws Exception {
        for (int i = 0; i < 30; i++) {
            String id = "r-" + i;
            app.record(id, requested(id, i % 2 == 0 ? "service.healthcheck" : "billing.refund", ALICE), started(id),
                    i % 5 == 0 ? failed(id) : succeeded(id));
        }
        app.record("r-plan", planned("r-plan", "billing.refund", ALICE));
        recordKeysToolsApprovalsAndWebhooks();
        long head = app.headPosition();
        awaitProjected(head);
        assertThat(ReadModels.collections()).as("every projection's collections, from its @ReadModel").containsOnlyKeys(
                "api-keys", "approvals", "eventlog", "executions", "metrics", "tools", "webhooks");
        assertThat(ReadModels.collections().get("eventlog")).containsExactly("eventlog", "eventlog_tools",
                "eventlog_lists");
        Map<String, List<Document>> before = snapshot();
        // Besides one entry per event, the eventlog read model keeps the tool of each execution (eventlog_tools).
        assertThat(before.get("eventlog")).filteredOn(d -> d.containsKey("type")).hasSize((int) head + 1);
        assertThat(before.get("api-keys")).as("the two recorded keys and the test's own").hasSize(2 + app.issuedKeys());
        assertThat(before.get("tools")).hasSize(1);
        // The request, and its entries in the approval lists (documents whose _id names list, level and prefix).
        assertThat(before.get("approvals")).filteredOn(document -> !document.get("_id").toString().contains("|"))
                .hasSize(1);
        assertThat(before.get("webhooks")).hasSize(2);

        Response started = post("{}");
        assertThat(started.status()).isEqualTo(202);
        assertThat(started.body().path("status").asString()).isEqualTo("running");
        // Reads keep being answered from the live models, complete, while the rebuild runs.
        assertThat(app.get("/v1/events?limit=1000", admin).body().path("items").size()).isEqualTo((int) head + 1);
        JsonNode done = app.awaitReplay(admin);

        assertThat(done.path("status").asString()).isEqualTo("completed");
        assertThat(done.path("projections")).extracting(p -> p.path("name").asString()).containsExactly(
                "api-keys", "approvals", "eventlog", "executions", "metrics", "tools", "webhooks");
        for (JsonNode projection : done.path("projections")) {
            assertThat(projection.path("status").asString()).isEqualTo("completed");
            assertThat(projection.path("headPosition").asLong()).isEqualTo(head);
            assertThat(projection.path("position").asLong()).isGreaterThanOrEqualTo(head);
            assertThat(projection.path("percent").asDouble()).isEqualTo(100.0);
        }
        assertThat(ReadModels.collection("eventlog")).isEqualTo("eventlog_g1");
        assertThat(ReadModels.collection("api_keys")).isEqualTo("api_keys_g1");
        assertThat(ReadModels.collection("approval_requests")).isEqualTo("approval_requests_g1");
        // What the local run's store commits lazily: every generation of a read model, and nothing else.
        assertThat(List.of("eventlog", "eventlog_g1", "metrics_executions_g12", "api_keys"))
                .allMatch(ReadModels::holds);
        assertThat(List.of("eventlog_g", "eventlog_gx", "eventlog_g1x", "_g1", "trackingtokens",
                "read_model_generations", "webhook_deliveries", "rate_limit_buckets")).noneMatch(ReadModels::holds);
        assertThat(snapshot()).isEqualTo(before);
        assertThat(app.get("/v1/executions/r-3", admin).body().path("status").asString()).isEqualTo("succeeded");
        assertThat(app.get("/v1/api-keys/key_replayed_revoked", admin).body().path("status").asString())
                .isEqualTo("revoked");
        assertThat(app.get("/v1/tools/service.healthcheck", admin).status()).isEqualTo(200);
        assertThat(app.get("/v1/approval-requests/apr_replayed", admin).body().path("status").asString())
                .isEqualTo("approved");
        assertThat(app.get("/v1/webhooks", admin).body().path("items")).hasSize(2);
    }

    /** Events for the read models beyond executions: two keys, a catalogue, an approved request, two webhooks. */
    private static void recordKeysToolsApprovalsAndWebhooks() {
        Instant now = Instant.now();
        for (String keyId : List.of("key_replayed", "key_replayed_revoked")) {
            app.append("ApiKey", keyId, now, new ApiKeyIssuedEvent(keyId, "name of " + keyId, "bot@example.com",
                    ActorKind.AGENT, "alice@example.com", Set.of(Scope.TOOLS_EXECUTE), List.of("billing.*"), null,
                    null, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "ops_AbCdEfGh",
                    "WxYz", ALICE, null));
        }
        app.append("ApiKey", "key_replayed_revoked", now, new ApiKeyRevokedEvent("key_replayed_revoked", ALICE));
        app.append("Catalog", "catalog", now, new CatalogPublishedEvent("catalog", "sha256:c", List.of(new ToolSpec(
                "service.healthcheck", "1.0.0", "GETs a URL", RiskLevel.LOW, "tools:execute",
                Map.of("type", "object"), Map.of("type", "object"), true, true, new ToolAnnotations(true, false),
                ApprovalPolicy.none().withDefaultExpiry("PT24H"), List.of(), true, null, 35_000, "sha256:h"))));
        app.append("ApprovalRequest", "apr_replayed", now, new ApprovalRequestedEvent("apr_replayed",
                new ToolRef("billing.refund", "1.0.0", "sha256:s", true, 1000), Map.of("amount", 600000),
                "sha256:payload", new Plan(List.of(new Effect("a", "t", "d", Map.of())), "sha256:plan"),
                "customer asked", ALICE, 1, now.plusSeconds(3600), null, "sha256:r"),
                new RequestApprovedEvent("apr_replayed", ALICE, "fine", 1, true));
        app.append("Webhook", "wh_replayed_1", now, new WebhookRegisteredEvent("wh_replayed_1",
                "https://example.com/a", List.of("*"), null, ALICE));
        app.append("Webhook", "wh_replayed_2", now, new WebhookRegisteredEvent("wh_replayed_2",
                "https://example.com/b", List.of("*"), null, ALICE), new WebhookDeletedEvent("wh_replayed_2", ALICE));
    }

    @Test
    void eventsRecordedDuringAReplayReachTheRebuiltModel() throws Exception {
        app.record("during-0", requested("during-0", "service.healthcheck", ALICE));
        awaitProjected(app.headPosition());

        assertThat(post("{\"projections\":[\"executions\"]}").status()).isEqualTo(202);
        app.record("during-1", requested("during-1", "service.healthcheck", ALICE), succeeded("during-1"));
        long head = app.headPosition();
        JsonNode done = app.awaitReplay(admin);

        assertThat(done.path("projections")).hasSize(1);
        assertThat(done.path("projections").get(0).path("name").asString()).isEqualTo("executions");
        Response read = app.get("/v1/executions/during-1?minPosition=" + head, admin);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().path("status").asString()).isEqualTo("succeeded");
        assertThat(app.get("/v1/executions/during-0", admin).status()).isEqualTo(200);
    }

    @Test
    void rejectsUnknownProjectionsAndKeysWithoutAdmin() {
        Response unknown = post("{\"projections\":[\"executions\",\"nope\"]}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.code()).isEqualTo("invalid_input");
        assertThat(unknown.body().path("errors").get(0).path("path").asString()).isEqualTo("/projections/1");
        String reader = app.issueKey("reader@example.com", "logs:read");
        assertThat(app.get("/v1/admin/replay", reader).status()).isEqualTo(403);
    }

    private static void awaitProjected(long position) throws InterruptedException {
        ProjectionProgress progress = app.bean(ProjectionProgress.class);
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (String model : ReadModels.collections().keySet()) {
            while (progress.processedPosition(model) < position) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(model + " did not reach position " + position + " within 60 s");
                }
                Thread.sleep(20);
            }
        }
    }

    /** Every document of every replayable read model, by model, in _id order. */
    private static Map<String, List<Document>> snapshot() {
        MongoTemplate mongo = app.bean(MongoTemplate.class);
        Map<String, List<Document>> documents = new LinkedHashMap<>();
        ReadModels.collections().forEach((model, bases) -> {
            List<Document> all = new ArrayList<>();
            for (String base : bases) {
                mongo.getCollection(ReadModels.collection(base)).find().sort(new Document("_id", 1)).into(all);
            }
            documents.put(model, all);
        });
        return documents;
    }

    private static Response post(String body) {
        return app.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/v1/admin/replay"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), admin);
    }
}
