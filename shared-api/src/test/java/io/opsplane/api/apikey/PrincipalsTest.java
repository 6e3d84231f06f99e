package io.opsplane.api.apikey;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrincipalsTest {

    @Test
    void anEmailAddressIsTrimmedAndLowerCased() {
        assertThat(Principals.normalise(" BOB@Example.com ")).isEqualTo("bob@example.com");
        assertThat(Principals.same("bob@example.com", " BOB@Example.com")).isTrue();
    }

    @Test
    void compatibilityFormsFoldToTheirPlainCharacters() {
        // Full-width letters and an ideographic space, as an input method might produce them.
        assertThat(Principals.normalise("\u3000\uFF22\uFF2F\uFF22@example.com")).isEqualTo("bob@example.com");
        assertThat(Principals.same("ｂｏｂ@ｅｘａｍｐｌｅ.ｃｏｍ", "bob@example.com")).isTrue();
    }

    @Test
    void aPrincipalThatIsNoEmailAddressKeepsItsCase() {
        assertThat(Principals.normalise(" agent:Deploy-Bot ")).isEqualTo("agent:Deploy-Bot");
        assertThat(Principals.normalise("agent:Bot@ci")).isEqualTo("agent:Bot@ci");
        assertThat(Principals.same("agent:Deploy-Bot", "agent:deploy-bot")).isFalse();
        assertThat(Principals.normalise("Team Ops@corp")).isEqualTo("Team Ops@corp");
    }

    @Test
    void theAccountablePrincipalOfAnActorIsNormalised() {
        Actor agent = new Actor("key_1", "agent:bot", ActorKind.AGENT, " Alice@Example.COM");
        Actor human = new Actor("key_2", "ALICE@example.com ", ActorKind.HUMAN, null);
        assertThat(agent.accountablePrincipal()).isEqualTo("alice@example.com");
        assertThat(human.accountablePrincipal()).isEqualTo("alice@example.com");
        assertThat(human.normalisedName()).isEqualTo("alice@example.com");
        assertThat(Principals.normalise(null)).isNull();
    }
}
