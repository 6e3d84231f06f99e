package io.opsplane.command.apikey;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.apikey.ApiKeyExpiredEvent;
import io.opsplane.api.apikey.ApiKeyIssuedEvent;
import io.opsplane.api.apikey.ApiKeyRevokedEvent;
import io.opsplane.api.apikey.ExpireApiKeyCommand;
import io.opsplane.api.apikey.IssueApiKeyCommand;
import io.opsplane.api.apikey.RevokeApiKeyCommand;
import io.opsplane.api.apikey.Scope;
import io.opsplane.api.refusal.RefusalReason;
import io.opsplane.command.support.Refused;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

class ApiKeyTest {

    private static final Actor ADMIN = new Actor("key_admin", "admin", ActorKind.HUMAN, null);
    private static final ApiKeyIssuedEvent ISSUED = new ApiKeyIssuedEvent("key_1", "deploy bot", "agent:deploy-bot",
            ActorKind.AGENT, "alice@example.com", Set.of(Scope.TOOLS_EXECUTE), List.of("billing.*"), null, null,
            null, "ops_abcdefgh", "wxyz", ADMIN, "mac");

    private static final Instant EXPIRES_AT = Instant.parse("2026-12-01T00:00:00Z");
    private static final ApiKeyIssuedEvent ISSUED_EXPIRING = new ApiKeyIssuedEvent("key_2", "auditor", "audit@example.com",
            ActorKind.HUMAN, null, Set.of(Scope.LOGS_READ), List.of(), EXPIRES_AT, null, null, "ops_ijklmnop",
            "abcd", ADMIN, "mac2");

    private AggregateTestFixture<ApiKey> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(ApiKey.class);
    }

    @Test
    void issuesAKeyRecordingOnlyItsKeyedHash() {
        fixture.givenNoPriorActivity()
                .when(new IssueApiKeyCommand("key_1", "deploy bot", "agent:deploy-bot", ActorKind.AGENT,
                        "alice@example.com", Set.of(Scope.TOOLS_EXECUTE), List.of("billing.*"), null, null, "mac",
                        "ops_abcdefgh", "wxyz", ADMIN))
                .expectEvents(ISSUED);
    }

    @Test
    void refusesAnAgentKeyThatNamesNoOwner() {
        for (String owner : new String[] {null, " "}) {
            fixture.givenNoPriorActivity()
                    .when(new IssueApiKeyCommand("key_1", "deploy bot", "agent:deploy-bot", ActorKind.AGENT, owner,
                            Set.of(Scope.TOOLS_EXECUTE), List.of(), null, null, "mac", "ops_abcdefgh", "wxyz", ADMIN))
                    .expectNoEvents()
                    .expectException(Refused.because(RefusalReason.AGENT_KEY_WITHOUT_OWNER));
        }
    }

    @Test
    void refusesAHumanKeyThatNamesAnOwner() {
        fixture.givenNoPriorActivity()
                .when(new IssueApiKeyCommand("key_1", "bob", "bob@example.com", ActorKind.HUMAN, "alice@example.com",
                        Set.of(Scope.TOOLS_EXECUTE), List.of(), null, null, "mac", "ops_abcdefgh", "wxyz", ADMIN))
                .expectNoEvents()
                .expectException(Refused.because(RefusalReason.HUMAN_KEY_WITH_OWNER));
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

    @Test
    void expiresAKeyOnceItsExpiryHasPassed() {
        fixture.given(ISSUED_EXPIRING)
                .when(new ExpireApiKeyCommand("key_2", EXPIRES_AT))
                .expectEvents(new ApiKeyExpiredEvent("key_2", EXPIRES_AT));
    }

    @Test
    void refusesToExpireAKeyBeforeItsExpiry() {
        fixture.given(ISSUED_EXPIRING)
                .when(new ExpireApiKeyCommand("key_2", EXPIRES_AT.minusMillis(1)))
                .expectException(KeyNotDueException.class)
                .expectNoEvents();
    }

    @Test
    void refusesToExpireAKeyWithoutExpiry() {
        fixture.given(ISSUED)
                .when(new ExpireApiKeyCommand("key_1", EXPIRES_AT))
                .expectException(KeyNotDueException.class)
                .expectNoEvents();
    }

    @Test
    void expiringAnExpiredKeyAgainRecordsNothingAndSucceeds() {
        fixture.given(ISSUED_EXPIRING, new ApiKeyExpiredEvent("key_2", EXPIRES_AT))
                .when(new ExpireApiKeyCommand("key_2", EXPIRES_AT.plusSeconds(60)))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void expiringARevokedKeyRecordsNothing() {
        fixture.given(ISSUED_EXPIRING, new ApiKeyRevokedEvent("key_2", ADMIN))
                .when(new ExpireApiKeyCommand("key_2", EXPIRES_AT))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void revokingAnExpiredKeyRecordsNothingAndSucceeds() {
        fixture.given(ISSUED_EXPIRING, new ApiKeyExpiredEvent("key_2", EXPIRES_AT))
                .when(new RevokeApiKeyCommand("key_2", ADMIN))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }
}
