package io.opsplane.command.apikey;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.apikey.ApiKeyIssuedEvent;
import io.opsplane.api.apikey.ApiKeyRevokedEvent;
import io.opsplane.api.apikey.IssueApiKeyCommand;
import io.opsplane.api.apikey.RevokeApiKeyCommand;
import io.opsplane.api.apikey.Scope;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

class ApiKeyTest {

    private static final Actor ADMIN = new Actor("key_admin", "admin", ActorKind.HUMAN, null);
    private static final ApiKeyIssuedEvent ISSUED = new ApiKeyIssuedEvent("key_1", "deploy bot", "agent:deploy-bot",
            ActorKind.AGENT, "alice@example.com", Set.of(Scope.TOOLS_EXECUTE), List.of("billing.*"), null, null,
            "hash", "ops_abcdefgh", "wxyz", ADMIN);

    private AggregateTestFixture<ApiKey> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(ApiKey.class);
    }

    @Test
    void issuesAKeyRecordingOnlyItsHash() {
        fixture.givenNoPriorActivity()
                .when(new IssueApiKeyCommand("key_1", "deploy bot", "agent:deploy-bot", ActorKind.AGENT,
                        "alice@example.com", Set.of(Scope.TOOLS_EXECUTE), List.of("billing.*"), null, null, "hash",
                        "ops_abcdefgh", "wxyz", ADMIN))
                .expectEvents(ISSUED);
    }

    @Test
    void revokesAnIssuedKey() {
        fixture.given(ISSUED)
                .when(new RevokeApiKeyCommand("key_1", ADMIN))
                .expectEvents(new ApiKeyRevokedEvent("key_1", ADMIN));
    }

    @Test
    void revokingARevokedKeyAgainRecordsNothingAndSucceeds() {
        fixture.given(ISSUED, new ApiKeyRevokedEvent("key_1", ADMIN))
                .when(new RevokeApiKeyCommand("key_1", ADMIN))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }
}
