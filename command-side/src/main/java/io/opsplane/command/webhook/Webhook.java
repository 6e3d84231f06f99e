package io.opsplane.command.webhook;

import io.opsplane.api.webhook.DeleteWebhookCommand;
import io.opsplane.api.webhook.RegisterWebhookCommand;
import io.opsplane.api.webhook.WebhookDeletedEvent;
import io.opsplane.api.webhook.WebhookRegisteredEvent;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** A webhook subscription: registered once, deleted once. Validation of the URL and types happens at the edge. */
@Aggregate
class Webhook {

    @AggregateIdentifier
    private String webhookId;
    private boolean deleted;

    Webhook() {
    }

    @CommandHandler
    Webhook(RegisterWebhookCommand command) {
        apply(new WebhookRegisteredEvent(command.webhookId(), command.url(), command.eventTypes(),
                command.description(), command.registeredBy()));
    }

    /** Deleting twice is the documented idempotent repeat: it records nothing the second time. */
    @CommandHandler
    void handle(DeleteWebhookCommand command) {
        if (isDeleted()) {
            return;
        }
        apply(new WebhookDeletedEvent(command.webhookId(), command.deletedBy()));
    }

    private boolean isDeleted() {
        return deleted;
    }

    @EventSourcingHandler
    void on(WebhookRegisteredEvent event) {
        this.webhookId = event.webhookId();
    }

    @EventSourcingHandler
    void on(WebhookDeletedEvent event) {
        this.deleted = true;
    }
}
