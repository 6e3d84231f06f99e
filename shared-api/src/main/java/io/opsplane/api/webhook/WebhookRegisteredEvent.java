package io.opsplane.api.webhook;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.audit.EventName;

import java.util.List;

/** A webhook subscriber was registered; events after this one that match its types are delivered to it. */
@EventName("webhook.registered")
public record WebhookRegisteredEvent(String webhookId, String url, List<String> eventTypes, String description,
                                     Actor registeredBy) {
}
