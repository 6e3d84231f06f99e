package io.opsplane.query.webhook;

import io.opsplane.api.webhook.WebhookDeletedEvent;
import io.opsplane.api.webhook.WebhookRegisteredEvent;
import io.opsplane.query.support.QuerySideUnderTest;
import io.opsplane.query.support.QuerySideUnderTest.Response;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.MongoTemplate;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

import static io.opsplane.query.support.ExecutionEvents.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

class WebhookEndpointsTest {

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
    void listsWebhooksWithoutSecretsAndTheirDeliveryLogNewestFirst() {
        app.append("Webhook", "wh_1", Instant.now(), new WebhookRegisteredEvent("wh_1", "https://example.com/a",
                List.of("execution.failed"), "pager", ALICE));
        long head = app.append("Webhook", "wh_2", Instant.now(), new WebhookRegisteredEvent("wh_2",
                "https://example.com/b", List.of("*"), null, ALICE), new WebhookDeletedEvent("wh_2", ALICE));
        MongoTemplate mongo = app.bean(MongoTemplate.class);
        for (int attempt = 1; attempt <= 2; attempt++) {
            mongo.insert(new Document("_id", "wh_1:7:" + attempt).append("webhookId", "wh_1").append("deliveryId", "evt_7")
                    .append("position", 7L).append("type", "execution.failed").append("attempt", attempt)
                    .append("status", attempt == 1 ? "failed" : "succeeded").append("httpStatus", attempt == 1 ? 500 : 200)
                    .append("error", attempt == 1 ? "unexpected_status" : null).append("durationMs", 12L)
                    .append("at", 1_000L * attempt).append("nextAttemptAt", attempt == 1 ? 1_500L : null),
                    WebhookController.DELIVERIES);
        }
        awaitProjected(head);

        JsonNode webhooks = app.get("/v1/webhooks", admin).body().path("items");
        assertThat(webhooks).hasSize(2);
        assertThat(webhooks.get(0).path("id").asString()).isEqualTo("wh_1");
        assertThat(webhooks.get(0).path("status").asString()).isEqualTo("active");
        assertThat(webhooks.get(0).has("secret")).isFalse();
        assertThat(webhooks.get(1).path("status").asString()).isEqualTo("deleted");

        JsonNode deliveries = app.get("/v1/webhooks/wh_1/deliveries", admin).body().path("items");
        assertThat(deliveries).hasSize(2);
        assertThat(deliveries.get(0).path("status").asString()).isEqualTo("succeeded");
        assertThat(deliveries.get(1).path("httpStatus").asInt()).isEqualTo(500);
        assertThat(deliveries.get(1).path("nextAttemptAt").asString()).isEqualTo("1970-01-01T00:00:01.500Z");

        Response unknown = app.get("/v1/webhooks/wh_9/deliveries", admin);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("webhook_not_found");
        assertThat(app.get("/v1/webhooks", app.issueKey("r@example.com", "logs:read")).status()).isEqualTo(403);
    }

    private static void awaitProjected(long head) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (app.get("/v1/webhooks", admin).body().path("items").size() < 2 || !"deleted".equals(
                app.get("/v1/webhooks", admin).body().path("items").get(1).path("status").asString())) {
            assertThat(System.nanoTime()).as("webhooks projected up to %d", head).isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
