package io.opsplane.command.webhook;

import io.opsplane.api.apikey.Scope;
import io.opsplane.api.webhook.DeleteWebhookCommand;
import io.opsplane.api.webhook.RegisterWebhookCommand;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.auth.RequiresScope;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.platform.problem.FieldError;
import io.opsplane.platform.problem.InvalidInputException;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** Registers and deletes webhooks (scope {@code admin}); listing them and their deliveries is the query side's. */
@RestController
class WebhookController {

    private static final Pattern EVENT_TYPE = Pattern.compile("[a-z][a-z_]*\\.[a-z][a-z_]*|\\*");

    private final CommandGateway commands;
    private final WebhookSubscriptions subscriptions;
    private final Clock clock;

    WebhookController(CommandGateway commands, WebhookSubscriptions subscriptions, Clock clock) {
        this.commands = commands;
        this.subscriptions = subscriptions;
        this.clock = clock;
    }

    record RegisterRequest(String url, List<String> eventTypes, String description) {
    }

    /** The one response that ever contains the signing secret. */
    record RegisteredWebhook(String id, String url, List<String> eventTypes, String description, String secret,
                             Instant createdAt) {
    }

    @PostMapping(path = "/v1/webhooks", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @RequiresScope(Scope.ADMIN)
    ResponseEntity<RegisteredWebhook> register(@RequestBody RegisterRequest request, AuthenticatedKey caller) {
        validate(request);
        String id = "wh_" + UUID.randomUUID().toString().replace("-", "");
        String secret = StandardWebhooks.newSecret();
        List<String> types = request.eventTypes().stream().distinct().sorted().toList();
        // The secret is kept before the registration is recorded, so the dispatcher has it once it is active.
        subscriptions.prepare(id, request.url(), types, secret);
        commands.sendAndWait(new RegisterWebhookCommand(id, request.url(), types, request.description(),
                caller.actor()));
        return ResponseEntity.created(URI.create("/v1/webhooks/" + id)).body(new RegisteredWebhook(id, request.url(),
                types, request.description(), secret, clock.instant().truncatedTo(ChronoUnit.MILLIS)));
    }

    @DeleteMapping("/v1/webhooks/{id}")
    @RequiresScope(Scope.ADMIN)
    ResponseEntity<Void> delete(@PathVariable String id, AuthenticatedKey caller) {
        try {
            commands.sendAndWait(new DeleteWebhookCommand(id, caller.actor()));
        } catch (AggregateNotFoundException e) {
            throw new ApiException(404, "webhook_not_found", "Webhook not found", "no webhook " + id);
        }
        return ResponseEntity.noContent().build();
    }

    private static void validate(RegisterRequest request) {
        List<FieldError> errors = new ArrayList<>();
        URI url = null;
        try {
            url = request.url() == null ? null : URI.create(request.url());
        } catch (IllegalArgumentException e) {
            url = null;
        }
        if (url == null || url.getHost() == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            errors.add(new FieldError("/url", "must be an absolute http or https URL"));
        } else if (url.getRawUserInfo() != null) {
            // Credentials in a URL end up in logs and in every copy of it; receivers verify the signature instead.
            errors.add(new FieldError("/url", "must not carry credentials (user:password@); deliveries are signed"));
        }
        if (request.eventTypes() == null || request.eventTypes().isEmpty()) {
            errors.add(new FieldError("/eventTypes", "must list at least one event type, or \"*\""));
        } else {
            for (int i = 0; i < request.eventTypes().size(); i++) {
                String type = request.eventTypes().get(i);
                if (type == null || !EVENT_TYPE.matcher(type).matches()) {
                    errors.add(new FieldError("/eventTypes/" + i, "must be an event type such as execution.succeeded, or \"*\""));
                }
            }
        }
        if (request.description() != null && request.description().length() > 500) {
            errors.add(new FieldError("/description", "must be at most 500 characters"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
    }
}
