package io.opsplane.command.apikey;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.IssueApiKeyCommand;
import io.opsplane.platform.auth.ApiKeyCredential;
import io.opsplane.platform.auth.ApiKeySecrets;
import io.opsplane.platform.auth.CredentialStore;
import io.opsplane.platform.auth.KeyPepper;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

import java.time.Clock;

/**
 * Issues a key so that it works on every node the moment the caller hears of it: the credential
 * row goes into the store first (a row no event backs authenticates nothing), then the
 * {@code apikey.issued} event is recorded, and only then does {@link #issue} return. The
 * credentials projection later writes the same row from the event, and rebuilds it on replay.
 */
@Component
class KeyIssuer {

    private final CommandGateway commands;
    private final CredentialStore credentials;
    private final KeyPepper pepper;
    private final Clock clock;

    KeyIssuer(CommandGateway commands, CredentialStore credentials, KeyPepper pepper, Clock clock) {
        this.commands = commands;
        this.credentials = credentials;
        this.pepper = pepper;
        this.clock = clock;
    }

    /**
     * Issues {@code key} under {@code keyId} with what {@code template} describes (its id, hash and
     * display fields are ignored) and returns the command that recorded it. A key the domain refuses
     * ({@link ApiKey#refuseUnaccountable}) is refused before its credential row is written.
     */
    IssueApiKeyCommand issue(String keyId, String key, IssueApiKeyCommand template, Actor issuedBy) {
        ApiKey.refuseUnaccountable(template.kind(), template.owner());
        IssueApiKeyCommand command = new IssueApiKeyCommand(keyId, template.name(), template.principal(),
                template.kind(), template.owner(), template.scopes(), template.toolPatterns(), template.expiresAt(),
                template.rateLimit(), pepper.keyMac(ApiKeySecrets.hash(key)), ApiKeySecrets.displayPrefix(key),
                ApiKeySecrets.lastFour(key), issuedBy);
        credentials.save(ApiKeyCredential.issued(ApiKey.issuedEvent(command), command.keyMac(), clock.instant()));
        commands.sendAndWait(command);
        return command;
    }
}
