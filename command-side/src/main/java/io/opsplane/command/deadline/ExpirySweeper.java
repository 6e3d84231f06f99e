package io.opsplane.command.deadline;

import jakarta.annotation.PreDestroy;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Records expiries that are due, durably without timers of their own: the deadlines are stored,
 * so something that expired while no command side ran is recorded on the first sweep after the
 * next start. Every instance sweeps; the aggregates ignore a repeat, so two instances racing
 * record one expiry. Subclasses say what is due and which command expires it.
 *
 * @param <T> what a due item is (an id, a stored document)
 */
public abstract class ExpirySweeper<T> {

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final CommandGateway commands;
    private final Duration interval;
    private final Clock clock;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

    /** @param name the prefix of the sweeper's one thread, which is its own so that a slow sweep delays no other */
    protected ExpirySweeper(String name, CommandGateway commands, Duration interval, Clock clock) {
        this.commands = commands;
        this.interval = interval;
        this.clock = clock;
        scheduler.setThreadNamePrefix(name + "-");
        scheduler.setDaemon(true);
    }

    /** What is due at {@code now}, in bounded batches; what is left is found by the next sweep. */
    protected abstract List<T> due(Instant now);

    /** The command that records the expiry of one due item. */
    protected abstract Object expireCommand(T item, Instant now);

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        scheduler.initialize();
        scheduler.scheduleWithFixedDelay(this::sweepSafely, interval);
    }

    /** Stops sweeping at once: a sweep under way is interrupted, and the next start's first sweep redoes it. */
    @PreDestroy
    public void stop() {
        scheduler.shutdown();
    }

    /** Sends an expiry for every due item found; returns how many were sent. */
    public int sweep() {
        Instant now = clock.instant();
        int sent = 0;
        for (T item : due(now)) {
            try {
                commands.sendAndWait(expireCommand(item, now));
                sent++;
            } catch (RuntimeException e) {
                // A concurrent decision or another instance's expiry conflicts here; the next sweep
                // finds the item closed, or tries again.
                log.debug("An expiry was not recorded this time: {}", e.toString());
            }
        }
        return sent;
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.warn("Expiry sweep failed; retrying at the next interval", e);
        }
    }
}
