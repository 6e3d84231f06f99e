package io.opsplane.command.webhook;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.webhook.DeleteWebhookCommand;
import io.opsplane.api.webhook.RegisterWebhookCommand;
import io.opsplane.api.webhook.WebhookDeletedEvent;
import io.opsplane.api.webhook.WebhookRegisteredEvent;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

class WebhookTest {

    private static final Actor ROOT = new Actor("key-root", "root@example.com", ActorKind.HUMAN, null);

    private AggregateTestFixture<Webhook> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Webhook.class);
    }

    @Test
    void registersAWebhookWithoutItsSecret() {
        fixture.givenNoPriorActivity()
                .when(new RegisterWebhookCommand("wh-1", "https://example.com/hook", List.of("execution.failed"),
                        "pager", ROOT))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new WebhookRegisteredEvent("wh-1", "https://example.com/hook",
                        List.of("execution.failed"), "pager", ROOT));
    }

    @Test
    void deletesARegisteredWebhook() {
        fixture.given(new WebhookRegisteredEvent("wh-1", "https://example.com/hook", List.of("*"), null, ROOT))
                .when(new DeleteWebhookCommand("wh-1", ROOT))
                .expectEvents(new WebhookDeletedEvent("wh-1", ROOT));
    }

    @Test
    void deletingADeletedWebhookRecordsNothing() {
        fixture.given(new WebhookRegisteredEvent("wh-1", "https://example.com/hook", List.of("*"), null, ROOT),
                        new WebhookDeletedEvent("wh-1", ROOT))
                .when(new DeleteWebhookCommand("wh-1", ROOT))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }
}
