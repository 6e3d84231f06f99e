package io.opsplane.command.apikey;

import io.opsplane.api.apikey.ApiKeyIssuedEvent;
import io.opsplane.api.apikey.ApiKeyRevokedEvent;
import io.opsplane.api.apikey.IssueApiKeyCommand;
import io.opsplane.api.apikey.RevokeApiKeyCommand;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** An API key's lifecycle. It only ever knows the key's hash. */
@Aggregate
class ApiKey {

    @AggregateIdentifier
    private String keyId;
    private boolean revoked;

    ApiKey() {
    }

    @CommandHandler
    ApiKey(IssueApiKeyCommand command) {
        apply(new ApiKeyIssuedEvent(command.keyId(), command.name(), command.principal(), command.kind(),
                command.owner(), command.scopes(), command.toolPatterns(), command.expiresAt(), command.rateLimit(),
                command.keyHash(), command.prefix(), command.lastFour(), command.issuedBy()));
    }

    /** Revoking a revoked key is an idempotent repeat: it records nothing and succeeds. */
    @CommandHandler
    void handle(RevokeApiKeyCommand command) {
        if (isRevoked()) {
            return;
        }
        apply(new ApiKeyRevokedEvent(keyId, command.revokedBy()));
    }

    private boolean isRevoked() {
        return revoked;
    }

    @EventSourcingHandler
    void on(ApiKeyIssuedEvent event) {
        keyId = event.keyId();
    }

    @EventSourcingHandler
    void on(ApiKeyRevokedEvent event) {
        revoked = true;
    }
}
