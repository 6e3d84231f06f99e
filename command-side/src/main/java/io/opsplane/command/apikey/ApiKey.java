package io.opsplane.command.apikey;

import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.apikey.ApiKeyExpiredEvent;
import io.opsplane.api.apikey.ApiKeyIssuedEvent;
import io.opsplane.api.apikey.ApiKeyRevokedEvent;
import io.opsplane.api.apikey.ExpireApiKeyCommand;
import io.opsplane.api.apikey.IssueApiKeyCommand;
import io.opsplane.api.apikey.RevokeApiKeyCommand;
import io.opsplane.api.refusal.Refusal;
import io.opsplane.api.refusal.RefusalReason;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** An API key's lifecycle. It only ever knows the key's hash. */
@Aggregate
class ApiKey {

    @AggregateIdentifier
    private String keyId;
    private boolean revoked;
    private boolean expired;
    private Instant expiresAt;

    ApiKey() {
    }

    @CommandHandler
    ApiKey(IssueApiKeyCommand command) {
        refuseUnaccountable(command.kind(), command.owner());
        apply(issuedEvent(command));
    }

    /**
     * Someone answers for every key: an agent key names its owner, the human accountable for it; a human key
     * answers for itself and names none. Checked before anything of the key is stored ({@link KeyIssuer}).
     */
    static void refuseUnaccountable(ActorKind kind, String owner) {
        if (kind == ActorKind.AGENT && isBlank(owner)) {
            throw new Refusal(RefusalReason.AGENT_KEY_WITHOUT_OWNER,
                    "is required for an agent key: the accountable human principal");
        }
        if (kind == ActorKind.HUMAN && owner != null) {
            throw new Refusal(RefusalReason.HUMAN_KEY_WITH_OWNER, "only agent keys have an owner");
        }
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }

    /** The event issuing records: the keyed hash only, never the key's plain hash. */
    static ApiKeyIssuedEvent issuedEvent(IssueApiKeyCommand command) {
        return new ApiKeyIssuedEvent(command.keyId(), command.name(), command.principal(), command.kind(),
                command.owner(), command.scopes(), command.toolPatterns(), command.expiresAt(), command.rateLimit(),
                null, command.prefix(), command.lastFour(), command.issuedBy(), command.keyMac());
    }

    /**
     * Revoking a revoked or expired key is an idempotent repeat: it records nothing and succeeds,
     * because the key authenticates nothing either way.
     */
    @CommandHandler
    void handle(RevokeApiKeyCommand command) {
        if (isRevoked() || isExpired()) {
            return;
        }
        apply(new ApiKeyRevokedEvent(keyId, command.revokedBy()));
    }

    /**
     * Every node's sweeper may send this for the same key, and again after a restart: a key that is
     * already expired or revoked records nothing. Sending it early is a bug in the sender.
     */
    @CommandHandler
    void handle(ExpireApiKeyCommand command) {
        if (isRevoked() || isExpired()) {
            return;
        }
        if (!isDue(command.asOf())) {
            throw new KeyNotDueException(keyId, expiresAt);
        }
        apply(new ApiKeyExpiredEvent(keyId, expiresAt));
    }

    private boolean isRevoked() {
        return revoked;
    }

    private boolean isExpired() {
        return expired;
    }

    private boolean isDue(Instant now) {
        return expiresAt != null && now != null && !now.isBefore(expiresAt);
    }

    @EventSourcingHandler
    void on(ApiKeyIssuedEvent event) {
        keyId = event.keyId();
        expiresAt = event.expiresAt();
    }

    @EventSourcingHandler
    void on(ApiKeyRevokedEvent event) {
        revoked = true;
    }

    @EventSourcingHandler
    void on(ApiKeyExpiredEvent event) {
        expired = true;
    }
}
