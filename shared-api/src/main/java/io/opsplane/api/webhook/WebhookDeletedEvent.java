package io.opsplane.api.webhook;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.audit.EventName;

/** A webhook was deleted; deliveries to it stop. */
@EventName("webhook.deleted")
public record WebhookDeletedEvent(String webhookId, Actor deletedBy) {
}
