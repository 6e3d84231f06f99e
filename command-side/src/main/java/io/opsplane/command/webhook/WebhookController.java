package io.opsplane.command.webhook;

import io.opsplane.api.apikey.Scope;
import io.opsplane.api.webhook.DeleteWebhookCommand;
import io.opsplane.api.webhook.RegisterWebhookCommand;
import io.opsplane.command.connector.http.TargetGuard;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.auth.RequiresScope;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.platform.problem.InvalidInputException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
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
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** Registers and deletes webhooks (scope {@code admin}); listing them and their deliveries is the query side's. */
@RestController
class WebhookController {

    private static final String EVENT_TYPE = "[a-z][a-z_]*\\.[a-z][a-z_]*|\\*";

    private final CommandGateway commands;
    private final WebhookSubscriptions subscriptions;
    private final Clock clock;
    private final TargetGuard guard;

    WebhookController(CommandGateway commands, WebhookSubscriptions subscriptions, Clock clock, TargetGuard guard) {
        this.guard = guard;
        this.commands = commands;
        this.subscriptions = subscriptions;
        this.clock = clock;
    }

    record RegisterRequest(@NotNull @Pattern(regexp = "(?i)https?://[^/?#\\s]+([/?#]\\S*)?",
                                    message = "must be an absolute http or https URL") String url,
                           @NotEmpty(message = "must list at least one event type, or \"*\"")
                           List<@NotNull @Pattern(regexp = EVENT_TYPE,
                                   message = "must be an event type such as execution.succeeded, or \"*\"") String> eventTypes,
                           @Size(max = 500) String description) {
    }

    /** The one response that ever contains the signing secret. */
    record RegisteredWebhook(String id, String url, List<String> eventTypes, String description, String secret,
                             Instant createdAt) {
    }

    @PostMapping(path = "/v1/webhooks", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @RequiresScope(Scope.ADMIN)
    ResponseEntity<RegisteredWebhook> register(@Valid @RequestBody RegisterRequest request, AuthenticatedKey caller) {
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

    /** The URL must parse, and its host must not resolve to an address the SSRF guard denies (checked again per delivery). */
    private void validate(RegisterRequest request) {
        URI url;
        try {
            url = URI.create(request.url());
        } catch (IllegalArgumentException e) {
            url = null;
        }
        if (url == null || url.getHost() == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw new InvalidInputException("/url", "must be an absolute http or https URL");
        }
        if (url.getRawUserInfo() != null) {
            // Credentials in a URL end up in logs and in every copy of it; receivers verify the signature instead.
            throw new InvalidInputException("/url", "must not carry credentials (user:password@); deliveries are signed");
        }
        try {
            guard.resolve(url);
        } catch (UnknownHostException e) {
            // Not resolvable yet is not a bad registration: every delivery resolves and checks again.
        } catch (TargetGuard.DeniedTargetException e) {
            throw new InvalidInputException("/url", e.getMessage());
        }
    }
}
