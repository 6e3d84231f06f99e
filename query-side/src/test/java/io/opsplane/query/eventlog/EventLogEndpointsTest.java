package io.opsplane.query.eventlog;

import io.opsplane.api.apikey.ApiKeyRevokedEvent;
import io.opsplane.api.webhook.WebhookRegisteredEvent;
import io.opsplane.query.support.QuerySideUnderTest;
import io.opsplane.query.support.QuerySideUnderTest.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.opsplane.query.support.ExecutionEvents.ALICE;
import static io.opsplane.query.support.ExecutionEvents.requested;
import static io.opsplane.query.support.ExecutionEvents.started;
import static io.opsplane.query.support.ExecutionEvents.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

/** The audit event log over HTTP, against the real application and an in-memory store. */
class EventLogEndpointsTest {

    private static QuerySideUnderTest app;
    private static String reader;

    @BeforeAll
    static void start() {
        app = QuerySideUnderTest.start();
        reader = app.issueKey("auditor@example.com", "logs:read");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void listsEventsOldestFirstWithTheirPositions() {
        String id = "ex-" + UUID.randomUUID();
        long head = app.record(id, requested(id, "service.healthcheck", ALICE), started(id), succeeded(id));

        Response response = app.get("/v1/events?aggregateId=" + id + "&minPosition=" + head, reader);

        assertThat(response.status()).isEqualTo(200);
        JsonNode items = response.body().path("items");
        assertThat(items.valueStream().map(e -> e.path("type").asString()))
                .containsExactly("execution.requested", "execution.started", "execution.succeeded");
        assertThat(items.valueStream().map(e -> e.path("sequence").asLong())).containsExactly(0L, 1L, 2L);
        assertThat(items.get(2).path("position").asLong()).isEqualTo(head);
        assertThat(items.get(0).path("position").isIntegralNumber()).isTrue();
        JsonNode first = items.get(0);
        assertThat(List.copyOf(first.propertyNames())).containsExactlyInAnyOrder("position", "type", "aggregateId",
                "sequence", "timestamp", "actor", "payload", "hash");
        assertThat(first.path("aggregateId").asString()).isEqualTo(id);
        assertThat(first.path("actor").path("name").asString()).isEqualTo("alice@example.com");
        assertThat(first.path("payload").path("input").path("headers").path("$ref").asString()).isEqualTo("#/a");
        assertThat(first.path("hash").asString()).startsWith("sha256:");
        assertThat(response.body().has("nextAfter")).isTrue();
        assertThat(response.body().path("nextAfter").isNull()).isTrue();
    }

    @Test
    void filtersOneAggregatesEventsByTypeAndPagesThroughThem() {
        String id = "ex-" + UUID.randomUUID();
        String other = "ex-" + UUID.randomUUID();
        app.record(other, requested(other, "service.healthcheck", ALICE), started(other), succeeded(other));
        long head = app.record(id, requested(id, "service.healthcheck", ALICE), started(id), succeeded(id));

        Response typed = app.get("/v1/events?aggregateId=" + id + "&type=execution.succeeded,execution.requested"
                + "&minPosition=" + head, reader);
        assertThat(typed.body().path("items").valueStream().map(e -> e.path("type").asString()))
                .containsExactly("execution.requested", "execution.succeeded");
        assertThat(typed.body().path("items").valueStream().map(e -> e.path("aggregateId").asString()))
                .containsOnly(id);

        Response first = app.get("/v1/events?aggregateId=" + id + "&type=execution.started,execution.succeeded"
                + "&limit=1", reader);
        assertThat(first.body().path("items").get(0).path("type").asString()).isEqualTo("execution.started");
        long after = first.body().path("nextAfter").asLong();
        Response second = app.get("/v1/events?aggregateId=" + id + "&type=execution.started,execution.succeeded"
                + "&limit=1&after=" + after, reader);
        assertThat(second.body().path("items").valueStream().map(e -> e.path("type").asString()))
                .containsExactly("execution.succeeded");
        assertThat(second.body().path("nextAfter").isNull()).isTrue();
    }

    /**
     * A key limited to tool patterns reads the entries of executions of its tools and of nothing tool-bound
     * else; entries that belong to no tool stay visible (issue 11).
     */
    @Test
    void aKeyLimitedToToolPatternsReadsOnlyTheEntriesOfItsTools() {
        String family = "fam" + UUID.randomUUID().toString().substring(0, 8);
        String mine = "ex-" + UUID.randomUUID();
        String other = "ex-" + UUID.randomUUID();
        String keyId = "key-" + UUID.randomUUID();
        app.record(mine, requested(mine, family + ".send", ALICE), started(mine), succeeded(mine));
        app.record(other, requested(other, "billing" + family + ".refund", ALICE), started(other), succeeded(other));
        long head = app.append("ApiKey", keyId, Instant.now(), new ApiKeyRevokedEvent(keyId, ALICE));
        String limited = app.issueKeyForTools("lim@example.com", List.of(family + ".*"), "logs:read");

        Response response = app.get("/v1/events?limit=1000&minPosition=" + head, limited);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().path("items").valueStream().map(e -> e.path("aggregateId").asString())
                .filter(id -> List.of(mine, other, keyId).contains(id))).containsExactly(mine, mine, mine, keyId);
        assertThat(app.get("/v1/events?aggregateId=" + other, limited).body().path("items")).isEmpty();
        assertThat(app.get("/v1/events?aggregateId=" + other, reader).body().path("items")).hasSize(3);
    }

    /** Webhook URLs often carry a secret: a logs:read key sees scheme, host and port only (issue 11). */
    @Test
    void showsAWebhooksUrlReducedToSchemeHostAndPort() {
        String webhookId = "wh_" + UUID.randomUUID();
        long head = app.append("Webhook", webhookId, Instant.now(), new WebhookRegisteredEvent(webhookId,
                "https://hooks.example.com:8443/T0/secret-token?sig=abc", List.of("*"), "pager", ALICE));

        Response response = app.get("/v1/events?aggregateId=" + webhookId + "&minPosition=" + head, reader);

        JsonNode payload = response.body().path("items").get(0).path("payload");
        assertThat(payload.path("url").asString()).isEqualTo("https://hooks.example.com:8443/...");
        assertThat(response.body().toString()).doesNotContain("secret-token").doesNotContain("sig=abc");
        assertThat(payload.path("webhookId").asString()).isEqualTo(webhookId);
    }

    @Test
    void filtersByTypesAndPagesAfterAPosition() {
        String id = "ex-" + UUID.randomUUID();
        String keyId = "key-" + UUID.randomUUID();
        app.record(id, requested(id, "service.healthcheck", ALICE), started(id), succeeded(id));
        long head = app.append("ApiKey", keyId, Instant.now(), new ApiKeyRevokedEvent(keyId, ALICE));

        Response typed = app.get("/v1/events?type=apikey.revoked,execution.succeeded&limit=1000&minPosition=" + head,
                reader);
        assertThat(typed.body().path("items").valueStream().map(e -> e.path("type").asString()))
                .containsOnly("apikey.revoked", "execution.succeeded").contains("apikey.revoked");

        List<Long> paged = new ArrayList<>();
        Response page = app.get("/v1/events?limit=2", reader);
        while (true) {
            page.body().path("items").forEach(e -> paged.add(e.path("position").asLong()));
            if (page.body().path("nextAfter").isNull()) {
                break;
            }
            assertThat(page.body().path("items")).hasSize(2);
            page = app.get("/v1/events?limit=2&after=" + page.body().path("nextAfter").asLong(), reader);
        }
        assertThat(paged).isSorted().doesNotHaveDuplicates().contains(head).last().isEqualTo(head);

        Response after = app.get("/v1/events?after=" + (head - 1), reader);
        assertThat(after.body().path("items").valueStream().map(e -> e.path("position").asLong())).containsExactly(head);
    }

    @Test
    void rejectsInvalidParameters() {
        for (String query : List.of("limit=1001", "limit=0", "limit=x", "after=x", "after=-2", "since=today",
                "minPosition=x")) {
            Response response = app.get("/v1/events?" + query, reader);
            assertThat(response.status()).as(query).isEqualTo(400);
            assertThat(response.code()).as(query).isEqualTo("invalid_parameter");
        }
        assertThat(app.get("/v1/events?limit=1000", reader).status()).isEqualTo(200);
    }

    @Test
    void requiresAKeyWithLogsRead() {
        assertThat(app.get("/v1/events", null).code()).isEqualTo("unauthenticated");
        String operator = app.issueKey("operator@example.com", "tools:execute");
        assertThat(app.get("/v1/events", operator).code()).isEqualTo("forbidden");
    }
}
