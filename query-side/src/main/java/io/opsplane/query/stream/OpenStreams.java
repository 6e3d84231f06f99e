package io.opsplane.query.stream;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event streams open on this instance. A stream never finishes by itself, so when the application stops they
 * are ended here, before the web server's graceful shutdown (a later lifecycle phase) would wait for them as active
 * requests until its timeout; their clients see the stream end and reconnect elsewhere with {@code Last-Event-ID}.
 */
@Component
class OpenStreams implements SmartLifecycle {

    private final Set<Subscriber> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    /** Registers a subscriber unless {@code max} are open already or the application is stopping. */
    synchronized boolean tryOpen(Subscriber subscriber, int max) {
        if (!running || open.size() >= max) {
            return false;
        }
        return open.add(subscriber);
    }

    void closed(Subscriber subscriber) {
        open.remove(subscriber);
    }

    int count() {
        return open.size();
    }

    @Override
    public synchronized void start() {
        running = true;
    }

    @Override
    public synchronized void stop() {
        running = false;
        open.forEach(Subscriber::stop);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Stopped before the graceful shutdown phase (SmartLifecycle.DEFAULT_PHASE - 1024).
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
