package io.opsplane.command.apikey;

import io.opsplane.api.apikey.ExpireApiKeyCommand;
import io.opsplane.command.deadline.ExpirySweeper;
import io.opsplane.platform.auth.ApiKeyCredential;
import io.opsplane.platform.auth.CredentialStore;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Records {@code apikey.expired} for keys past their expiry, found in the credentials collection. */
@Component
class ApiKeyExpirySweeper extends ExpirySweeper<ApiKeyCredential> {

    private final CredentialStore credentials;
    private final ApiKeyProperties properties;

    ApiKeyExpirySweeper(CredentialStore credentials, CommandGateway commands, ApiKeyProperties properties,
                        Clock clock) {
        super("api-key-expiry-sweeper", commands, properties.expirySweepInterval(), clock);
        this.credentials = credentials;
        this.properties = properties;
    }

    @Override
    protected List<ApiKeyCredential> due(Instant now) {
        return credentials.findDueForExpiry(now, properties.expirySweepBatch());
    }

    @Override
    protected Object expireCommand(ApiKeyCredential due, Instant now) {
        return new ExpireApiKeyCommand(due.keyId(), now);
    }
}
