package io.opsplane.command.webhook;

import io.opsplane.eventstore.StoredEvent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Webhook bodies show events as the event log shows them to {@code logs:read} keys. */
class EventItemsTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final EventItems items = new EventItems(json);

    @Test
    void aWebhooksUrlIsReducedToSchemeHostAndPort() {
        StoredEvent registered = new StoredEvent(7, "evt-1", "wh_1", 0L, "Webhook", Instant.now(),
                "io.opsplane.api.webhook.WebhookRegisteredEvent", null,
                "{\"webhookId\":\"wh_1\",\"url\":\"https://hooks.example.com:8443/T0/secret-token?sig=abc\","
                        + "\"eventTypes\":[\"*\"],\"description\":null,\"registeredBy\":null}",
                "{}", "sha256:0", "sha256:1");

        String body = items.body(registered);

        JsonNode item = json.readTree(body);
        assertThat(item.path("type").asString()).isEqualTo("webhook.registered");
        assertThat(item.path("payload").path("url").asString()).isEqualTo("https://hooks.example.com:8443/...");
        assertThat(body).doesNotContain("secret-token").doesNotContain("sig=abc");
    }
}
