package io.opsplane.command.support;

import io.opsplane.platform.auth.ApiKeySecrets;
import io.opsplane.platform.auth.CredentialStore;
import org.springframework.context.ApplicationContext;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Waits in HTTP tests for an issued key to reach the credentials projection that authenticates requests. */
public final class Credentials {

    private Credentials() {
    }

    /** Returns once {@code key} authenticates on {@code app}; fails the test after 20 s. */
    public static void awaitProjected(ApplicationContext app, String key) throws InterruptedException {
        CredentialStore credentials = app.getBean(CredentialStore.class);
        String hash = ApiKeySecrets.hash(key);
        Instant deadline = Instant.now().plusSeconds(20);
        while (credentials.findByKeyHash(hash).isEmpty()) {
            assertThat(Instant.now()).as("credential projected in time").isBefore(deadline);
            Thread.sleep(20);
        }
    }
}
