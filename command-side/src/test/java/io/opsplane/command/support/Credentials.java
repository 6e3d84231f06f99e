package io.opsplane.command.support;

import io.opsplane.platform.auth.ApiKeySecrets;
import io.opsplane.platform.auth.CredentialStore;
import io.opsplane.platform.auth.KeyPepper;
import org.springframework.context.ApplicationContext;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks in HTTP tests that an issued key's credential row is in the store. */
public final class Credentials {

    private Credentials() {
    }

    /** Returns once {@code key}'s credential row is in the store; fails the test after 20 s. */
    public static void awaitProjected(ApplicationContext app, String key) throws InterruptedException {
        CredentialStore credentials = app.getBean(CredentialStore.class);
        String keyMac = app.getBean(KeyPepper.class).keyMac(ApiKeySecrets.hash(key));
        Instant deadline = Instant.now().plusSeconds(20);
        while (credentials.findByKeyMac(keyMac).isEmpty()) {
            assertThat(Instant.now()).as("credential stored in time").isBefore(deadline);
            Thread.sleep(20);
        }
    }
}
