package io.opsplane.query.audit;

import io.opsplane.eventstore.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
    private ScheduledExecutorService scheduler;

    CheckpointSealer(AuditTrail trail, AuditProperties properties) {
        this.trail = trail;
        this.properties = properties;
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "audit-sealer");
            thread.setDaemon(true);
            return thread;
        });
        long interval = properties.sealInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::seal, interval, interval, TimeUnit.MILLISECONDS);
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
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
