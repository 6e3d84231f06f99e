package io.opsplane.api.webhook;

import io.opsplane.api.apikey.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Deletes a webhook: nothing more is delivered to it. Deleting a deleted webhook changes nothing. */
public record DeleteWebhookCommand(@TargetAggregateIdentifier String webhookId, Actor deletedBy) {
}
