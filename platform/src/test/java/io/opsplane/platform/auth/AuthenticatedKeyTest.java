package io.opsplane.platform.auth;

import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.apikey.Scope;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AuthenticatedKeyTest {

    @Test
    void adminImpliesEveryScope() {
        AuthenticatedKey admin = new AuthenticatedKey("k", "root", ActorKind.HUMAN, null, Set.of(Scope.ADMIN), List.of(), null, null);
        assertThat(Set.of(Scope.values())).allMatch(admin::hasScope);
    }

    @Test
    void otherScopesImplyNothingElse() {
        AuthenticatedKey reader = new AuthenticatedKey("k", "bob", ActorKind.HUMAN, null, Set.of(Scope.LOGS_READ), List.of(), null, null);
        assertThat(reader.hasScope(Scope.LOGS_READ)).isTrue();
        assertThat(reader.hasScope(Scope.TOOLS_READ)).isFalse();
    }

    @Test
    void toolPatternsLimitTheToolsAKeyMayUse() {
        AuthenticatedKey billing = new AuthenticatedKey("k", "agent:x", ActorKind.AGENT, "alice", Set.of(Scope.TOOLS_EXECUTE),
                List.of("billing.*", "email.send"), null, null);
        assertThat(billing.mayUseTool("billing.refund")).isTrue();
        assertThat(billing.mayUseTool("email.send")).isTrue();
        assertThat(billing.mayUseTool("email.sendmany")).isFalse();
        assertThat(billing.mayUseTool("billingx")).isFalse();
        assertThat(billing.mayUseTool("service.healthcheck")).isFalse();
        assertThat(billing.actor().accountablePrincipal()).isEqualTo("alice");
    }

    @Test
    void keysAreLongRandomAndStoredOnlyAsTheirHash() {
        String key = ApiKeySecrets.generate();
        assertThat(key).startsWith("ops_").hasSize(4 + 43).isNotEqualTo(ApiKeySecrets.generate());
        assertThat(ApiKeySecrets.hash(key)).hasSize(64).doesNotContain(key.substring(4));
        assertThat(ApiKeySecrets.hashesMatch(ApiKeySecrets.hash(key), ApiKeySecrets.hash(key))).isTrue();
        assertThat(ApiKeySecrets.hashesMatch(ApiKeySecrets.hash(key), ApiKeySecrets.hash(key + "x"))).isFalse();
    }
}
