package io.opsplane.query.audit;

import io.opsplane.eventstore.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;

/**
 * Seals new events into audit checkpoints every {@code opsplane.audit.seal-interval}, on its own thread so that a
 * slow store never delays a projection. Every query-side instance may run it: checkpoints are inserted by index, so
 * two sealers never write different checkpoints for one range.
 */
@Component
class CheckpointSealer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CheckpointSealer.class);

    private final AuditTrail trail;
    private final AuditProperties properties;
    private ThreadPoolTaskScheduler scheduler;

    CheckpointSealer(AuditTrail trail, AuditProperties properties) {
        this.trail = trail;
        this.properties = properties;
    }

    @Override
    public synchronized void start() {
        scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("audit-sealer-");
        scheduler.setDaemon(true);
        scheduler.initialize();
        Duration interval = properties.sealInterval();
        scheduler.scheduleWithFixedDelay(this::seal, Instant.now().plus(interval), interval);
    }

    private void seal() {
        try {
            trail.seal();
        } catch (IllegalStateException e) {
            log.error("Audit sealing stopped: {}", e.getMessage());
        } catch (RuntimeException e) {
            // The store may be briefly unreachable; the next round continues where this one stopped.
            log.warn("Audit sealing failed, retrying in {}", properties.sealInterval(), e);
        }
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdown();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
