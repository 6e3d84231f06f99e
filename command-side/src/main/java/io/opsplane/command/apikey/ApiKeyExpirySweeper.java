package io.opsplane.command.apikey;

import io.opsplane.api.apikey.ExpireApiKeyCommand;
import io.opsplane.platform.auth.ApiKeyCredential;
import io.opsplane.platform.auth.CredentialStore;
import jakarta.annotation.PreDestroy;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Records {@code apikey.expired} for keys past their expiry. Durable without timers of its own:
 * due keys are found in the credentials collection on every sweep, so a key that expired while no
 * command side was running is recorded on the first sweep after the next start. Every instance
 * sweeps; the aggregate ignores a repeat, so two instances racing for one key record it once.
 */
@Component
class ApiKeyExpirySweeper {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyExpirySweeper.class);

    private final CredentialStore credentials;
    private final CommandGateway commands;
    private final ApiKeyProperties properties;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "api-key-expiry-sweeper");
        thread.setDaemon(true);
        return thread;
    });

    ApiKeyExpirySweeper(CredentialStore credentials, CommandGateway commands, ApiKeyProperties properties,
                        Clock clock) {
        this.credentials = credentials;
        this.commands = commands;
        this.properties = properties;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        long interval = properties.expirySweepInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::sweepSafely, 0, interval, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }

    /** Sends an expiry for every due key found; returns how many were sent. */
    int sweep() {
        Instant now = clock.instant();
        int sent = 0;
        for (ApiKeyCredential due : credentials.findDueForExpiry(now, properties.expirySweepBatch())) {
            try {
                commands.sendAndWait(new ExpireApiKeyCommand(due.keyId(), now));
                sent++;
            } catch (RuntimeException e) {
                // Another instance recording the same expiry at the same moment conflicts here; the
                // next sweep finds the key done, or tries again.
                log.debug("Expiry of API key {} not recorded this time: {}", due.keyId(), e.toString());
            }
        }
        return sent;
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.warn("API key expiry sweep failed; retrying at the next interval", e);
        }
    }
}
