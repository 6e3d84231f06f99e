package io.opsplane.command.webhook;

import io.opsplane.api.webhook.WebhookDeletedEvent;
import io.opsplane.api.webhook.WebhookRegisteredEvent;
import io.opsplane.platform.store.EventPositions;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.stereotype.Component;

/** Turns registrations and deletions into the dispatcher's subscriber records; idempotent under redelivery. */
@Component
@ProcessingGroup("webhook-subscriptions")
class WebhookSubscriptionProjection {

    private final WebhookSubscriptions subscriptions;

    WebhookSubscriptionProjection(WebhookSubscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    @EventHandler
    void on(WebhookRegisteredEvent event, TrackingToken token) {
        subscriptions.activate(event.webhookId(), EventPositions.of(token));
    }

    @EventHandler
    void on(WebhookDeletedEvent event) {
        subscriptions.deactivate(event.webhookId());
    }
}
