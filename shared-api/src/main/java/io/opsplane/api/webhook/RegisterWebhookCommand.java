package io.opsplane.api.webhook;

import io.opsplane.api.apikey.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;

/**
 * Registers a webhook subscriber. Its signing secret is never part of a message: the command side keeps it apart.
 *
 * @param eventTypes public event names it receives ({@code execution.succeeded}); {@code *} for every event
 */
public record RegisterWebhookCommand(@TargetAggregateIdentifier String webhookId, String url, List<String> eventTypes,
                                     String description, Actor registeredBy) {
}
