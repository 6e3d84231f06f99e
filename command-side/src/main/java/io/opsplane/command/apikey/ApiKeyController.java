package io.opsplane.command.apikey;

import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.apikey.IssueApiKeyCommand;
import io.opsplane.api.apikey.Principals;
import io.opsplane.api.apikey.RateLimitSpec;
import io.opsplane.api.apikey.RevokeApiKeyCommand;
import io.opsplane.api.apikey.Scope;
import io.opsplane.platform.auth.ApiKeySecrets;
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
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Issues and revokes API keys (scope {@code admin}). Listing is a read, served by the query side. */
@RestController
class ApiKeyController {

    private static final Pattern TOOL_PATTERN = Pattern.compile("[a-z0-9_.-]+(\\.\\*)?|\\*");

    private final CommandGateway commands;
    private final KeyIssuer issuer;
    private final Clock clock;

    ApiKeyController(CommandGateway commands, KeyIssuer issuer, Clock clock) {
        this.commands = commands;
        this.issuer = issuer;
        this.clock = clock;
    }

    record RateLimitRequest(Integer perMinute, Integer burst) {
    }

    record IssueKeyRequest(String name, String principal, String kind, String owner, List<String> scopes,
                           List<String> tools, String expiresAt, RateLimitRequest rateLimit) {
    }

    /** The one response that ever contains the key; the key works on every node when it arrives. */
    record IssuedKey(String id, String key, String prefix, String lastFour, String name, String principal,
                     String kind, String owner, List<String> scopes, List<String> tools, Instant expiresAt,
                     RateLimitSpec rateLimit, Instant createdAt) {
    }

    @PostMapping(path = "/v1/api-keys", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @RequiresScope(Scope.ADMIN)
    ResponseEntity<IssuedKey> issue(@RequestBody IssueKeyRequest request, AuthenticatedKey caller) {
        IssueApiKeyCommand template = validate(request);
        String key = ApiKeySecrets.generate();
        String keyId = "key_" + UUID.randomUUID().toString().replace("-", "");
        IssueApiKeyCommand command = issuer.issue(keyId, key, template, caller.actor());
        IssuedKey issued = new IssuedKey(keyId, key, command.prefix(), command.lastFour(), command.name(),
                command.principal(), command.kind().wireName(), command.owner(),
                command.scopes().stream().map(Scope::wireName).sorted().toList(), command.toolPatterns(),
                command.expiresAt(), command.rateLimit(), clock.instant().truncatedTo(ChronoUnit.MILLIS));
        return ResponseEntity.created(URI.create("/v1/api-keys/" + keyId)).body(issued);
    }

    /** Revokes at once; revoking an already revoked key answers the same 204. */
    @DeleteMapping("/v1/api-keys/{id}")
    @RequiresScope(Scope.ADMIN)
    ResponseEntity<Void> revoke(@PathVariable("id") String id, AuthenticatedKey caller) {
        try {
            commands.sendAndWait(new RevokeApiKeyCommand(id, caller.actor()));
        } catch (AggregateNotFoundException e) {
            throw ApiException.notFound("api_key_not_found", "no API key with id " + id);
        }
        return ResponseEntity.noContent().build();
    }

    private IssueApiKeyCommand validate(IssueKeyRequest request) {
        if (request == null) {
            throw new InvalidInputException("", "a JSON object is required");
        }
        List<FieldError> errors = new ArrayList<>();
        requireText(errors, "/name", request.name(), 200);
        requireText(errors, "/principal", request.principal(), 200);
        ActorKind kind = null;
        if ("human".equals(request.kind())) {
            kind = ActorKind.HUMAN;
        } else if ("agent".equals(request.kind())) {
            kind = ActorKind.AGENT;
        } else {
            errors.add(new FieldError("/kind", "must be 'human' or 'agent'"));
        }
        if (kind == ActorKind.AGENT && (request.owner() == null || request.owner().isBlank())) {
            errors.add(new FieldError("/owner", "is required for an agent key: the accountable human principal"));
        }
        if (kind == ActorKind.HUMAN && request.owner() != null) {
            errors.add(new FieldError("/owner", "only agent keys have an owner"));
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        if (request.scopes() == null || request.scopes().isEmpty()) {
            errors.add(new FieldError("/scopes", "at least one scope is required"));
        } else {
            for (int i = 0; i < request.scopes().size(); i++) {
                Optional<Scope> scope = Scope.fromWireName(request.scopes().get(i));
                if (scope.isPresent()) {
                    scopes.add(scope.get());
                } else {
                    errors.add(new FieldError("/scopes/" + i, "unknown scope '" + request.scopes().get(i) + "'"));
                }
            }
        }
        List<String> tools = request.tools() == null ? List.of() : request.tools();
        for (int i = 0; i < tools.size(); i++) {
            if (tools.get(i) == null || !TOOL_PATTERN.matcher(tools.get(i)).matches()) {
                errors.add(new FieldError("/tools/" + i, "must be a tool name or a prefix ending in '.*'"));
            }
        }
        Instant expiresAt = null;
        if (request.expiresAt() != null) {
            try {
                expiresAt = Instant.parse(request.expiresAt());
                if (!expiresAt.isAfter(clock.instant())) {
                    errors.add(new FieldError("/expiresAt", "must be in the future"));
                }
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("/expiresAt", "must be an ISO-8601 instant, e.g. 2026-12-31T00:00:00Z"));
            }
        }
        RateLimitSpec rateLimit = null;
        if (request.rateLimit() != null) {
            Integer perMinute = request.rateLimit().perMinute();
            Integer burst = request.rateLimit().burst();
            if (perMinute == null || perMinute < 1) {
                errors.add(new FieldError("/rateLimit/perMinute", "must be a positive whole number"));
            }
            if (burst == null || burst < 1) {
                errors.add(new FieldError("/rateLimit/burst", "must be a positive whole number"));
            }
            if (perMinute != null && burst != null) {
                rateLimit = new RateLimitSpec(perMinute, burst);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        // Stored in normal form, so that listings, events and every comparison see one spelling per person.
        return new IssueApiKeyCommand(null, request.name(), Principals.normalise(request.principal()), kind,
                Principals.normalise(request.owner()), scopes,
                List.copyOf(tools), expiresAt, rateLimit, null, null, null, null);
    }

    private static void requireText(List<FieldError> errors, String path, String value, int max) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(path, "is required"));
        } else if (value.length() > max) {
            errors.add(new FieldError(path, "must be at most " + max + " characters"));
        }
    }
}
