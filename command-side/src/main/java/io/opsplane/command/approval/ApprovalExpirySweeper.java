package io.opsplane.command.approval;

import io.opsplane.api.approval.ExpireRequestCommand;
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
 * Records {@code approval.expired} for open requests past their deadline. Durable without timers of
 * its own: the deadlines are stored ({@link ApprovalDeadlines}), so a request that expired while no
 * command side ran is recorded on the first sweep after the next start. Every instance sweeps; the
 * aggregate ignores a repeat, so two instances racing record one expiry.
 */
@Component
class ApprovalExpirySweeper {

    private static final Logger log = LoggerFactory.getLogger(ApprovalExpirySweeper.class);

    private final ApprovalDeadlines deadlines;
    private final CommandGateway commands;
    private final ApprovalProperties properties;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "approval-expiry-sweeper");
        thread.setDaemon(true);
        return thread;
    });

    ApprovalExpirySweeper(ApprovalDeadlines deadlines, CommandGateway commands, ApprovalProperties properties,
                          Clock clock) {
        this.deadlines = deadlines;
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

    /** Sends an expiry for every due request found; returns how many were sent. */
    int sweep() {
        Instant now = clock.instant();
        int sent = 0;
        for (String requestId : deadlines.due(now, properties.expirySweepBatch())) {
            try {
                commands.sendAndWait(new ExpireRequestCommand(requestId, now));
                sent++;
            } catch (RuntimeException e) {
                // A concurrent decision or another instance's expiry conflicts here; the next sweep
                // finds the request closed, or tries again.
                log.debug("Expiry of approval request {} not recorded this time: {}", requestId, e.toString());
            }
        }
        return sent;
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.warn("Approval expiry sweep failed; retrying at the next interval", e);
        }
    }
}
