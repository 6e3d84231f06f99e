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
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
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
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Issues and revokes API keys (scope {@code admin}). Listing is a read, served by the query side. */
@RestController
class ApiKeyController {

    private static final String TOOL_PATTERN = "[a-z0-9_.-]+(\\.\\*)?|\\*";

    private final CommandGateway commands;
    private final KeyIssuer issuer;
    private final Clock clock;

    ApiKeyController(CommandGateway commands, KeyIssuer issuer, Clock clock) {
        this.commands = commands;
        this.issuer = issuer;
        this.clock = clock;
    }

    record RateLimitRequest(@NotNull @Positive Integer perMinute, @NotNull @Positive Integer burst) {
    }

    record IssueKeyRequest(@NotBlank @Size(max = 200) String name, @NotBlank @Size(max = 200) String principal,
                           @NotNull @Pattern(regexp = "human|agent", message = "must be 'human' or 'agent'") String kind,
                           @Size(max = 200) String owner,
                           @NotEmpty(message = "at least one scope is required") List<@NotNull @KnownScope String> scopes,
                           List<@NotNull @Pattern(regexp = TOOL_PATTERN,
                                   message = "must be a tool name or a prefix ending in '.*'") String> tools,
                           @FutureInstant String expiresAt, @Valid RateLimitRequest rateLimit) {
    }

    /** The one response that ever contains the key; the key works on every node when it arrives. */
    record IssuedKey(String id, String key, String prefix, String lastFour, String name, String principal,
                     String kind, String owner, List<String> scopes, List<String> tools, Instant expiresAt,
                     RateLimitSpec rateLimit, Instant createdAt) {
    }

    @PostMapping(path = "/v1/api-keys", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @RequiresScope(Scope.ADMIN)
    ResponseEntity<IssuedKey> issue(@Valid @RequestBody IssueKeyRequest request, AuthenticatedKey caller) {
        IssueApiKeyCommand template = describedKey(request);
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

    /**
     * The key the request describes, principals in normal form. Its fields passed Bean Validation; whether the
     * owner fits the kind is the {@link ApiKey}'s rule, checked when the key is issued.
     */
    private static IssueApiKeyCommand describedKey(IssueKeyRequest request) {
        ActorKind kind = "agent".equals(request.kind()) ? ActorKind.AGENT : ActorKind.HUMAN;
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        request.scopes().forEach(scope -> scopes.add(Scope.fromWireName(scope).orElseThrow()));
        List<String> tools = request.tools() == null ? List.of() : List.copyOf(request.tools());
        Instant expiresAt = request.expiresAt() == null ? null : Instant.parse(request.expiresAt());
        RateLimitSpec rateLimit = request.rateLimit() == null ? null
                : new RateLimitSpec(request.rateLimit().perMinute(), request.rateLimit().burst());
        // Stored in normal form, so that listings, events and every comparison see one spelling per person.
        return new IssueApiKeyCommand(null, request.name(), Principals.normalise(request.principal()), kind,
                Principals.normalise(request.owner()), scopes, tools, expiresAt, rateLimit, null, null, null, null);
    }
}
