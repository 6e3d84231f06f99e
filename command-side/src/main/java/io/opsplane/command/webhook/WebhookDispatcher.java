package io.opsplane.command.webhook;

import io.opsplane.command.connector.http.PinnedHttp;
import io.opsplane.command.connector.http.TargetGuard;
import io.opsplane.eventstore.StoredEvent;
import io.opsplane.eventstore.StoredEventLog;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * Delivers events to webhook subscribers. Each subscriber has its own thread and its own position in the event
 * store, so one that is slow, failing or timing out never delays another. Per subscriber, events go out in position
 * order, at least once: the position moves on only after the outcome is recorded. A failed attempt is retried with
 * exponential backoff; after {@code max-attempts} the event is dead-lettered and the subscriber moves on. Subscribers
 * are leased per instance, so several command-side instances share them without delivering twice in parallel.
 */
@Component
class WebhookDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int EVENTS_PER_READ = 50;

    private final WebhookSubscriptions subscriptions;
    private final StoredEventLog eventLog;
    private final EventItems items;
    private final WebhookProperties properties;
    private final Clock clock;
    private final String owner = "dispatcher-" + UUID.randomUUID();
    private final Map<String, Future<?>> workers = new ConcurrentHashMap<>();
    private final TargetGuard guard;
    private volatile boolean running;
    private ThreadPoolTaskScheduler supervisor;
    private SimpleAsyncTaskExecutor workerThreads;

    WebhookDispatcher(WebhookSubscriptions subscriptions, StoredEventLog eventLog, EventItems items,
                      WebhookProperties properties, Clock clock, TargetGuard guard) {
        this.subscriptions = subscriptions;
        this.eventLog = eventLog;
        this.items = items;
        this.properties = properties;
        this.clock = clock;
        this.guard = guard;
    }

    /** One supervising thread, run every poll interval; a thread of its own per leased subscriber. */
    @Override
    public synchronized void start() {
        workerThreads = new SimpleAsyncTaskExecutor("webhook-");
        workerThreads.setDaemon(true);
        supervisor = new ThreadPoolTaskScheduler();
        supervisor.setThreadNamePrefix("webhook-supervisor-");
        supervisor.setDaemon(true);
        supervisor.initialize();
        running = true;
        supervisor.scheduleWithFixedDelay(this::supervise, properties.pollInterval());
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (supervisor != null) {
            supervisor.shutdown();
            supervisor = null;
        }
        workers.values().forEach(worker -> worker.cancel(true));
        workers.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts a worker for every active subscriber this instance can lease and has none running for. */
    private void supervise() {
        try {
            for (WebhookSubscriptions.Subscription subscription : subscriptions.active()) {
                Future<?> worker = workers.get(subscription.id());
                if (running && (worker == null || worker.isDone()) && lease(subscription.id())) {
                    workers.put(subscription.id(), workerThreads.submit(() -> work(subscription.id())));
                }
            }
        } catch (RuntimeException e) {
            log.warn("Webhook supervision failed; retrying", e);
        }
    }

    private boolean lease(String webhookId) {
        Instant now = clock.instant();
        return subscriptions.lease(webhookId, owner, now, now.plus(properties.lease()));
    }

    private void work(String webhookId) {
        try {
            while (running && !Thread.currentThread().isInterrupted()) {
                WebhookSubscriptions.Subscription subscription = subscriptions.find(webhookId);
                if (subscription == null || !subscription.active() || !lease(webhookId)) {
                    return;
                }
                List<StoredEvent> events = eventLog.readStored(subscription.cursor(), EVENTS_PER_READ);
                if (events.isEmpty()) {
                    Thread.sleep(properties.pollInterval().toMillis());
                    continue;
                }
                for (StoredEvent event : events) {
                    if (subscription.wants(items.typeOf(event))) {
                        deliver(subscription, event);
                    }
                    subscriptions.advance(webhookId, owner, event.position());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The supervisor starts a new worker, which resumes at the recorded position.
            if (running) {
                log.warn("Webhook {} worker stopped; it will be restarted", webhookId, e);
            }
        }
    }

    private void deliver(WebhookSubscriptions.Subscription subscription, StoredEvent event) throws InterruptedException {
        String body = items.body(event);
        String messageId = "evt_" + event.position();
        for (int attempt = 1; ; attempt++) {
            if (!lease(subscription.id())) {
                throw new IllegalStateException("lost the lease on webhook " + subscription.id());
            }
            Outcome outcome = attempt(subscription, messageId, body);
            boolean last = !outcome.succeeded() && attempt >= properties.maxAttempts();
            Duration backoff = backoff(attempt);
            String status = outcome.succeeded() ? "succeeded" : last ? "dead_lettered" : "failed";
            subscriptions.recordAttempt(new Document("_id", subscription.id() + ":" + event.position() + ":" + attempt)
                    .append("webhookId", subscription.id()).append("deliveryId", messageId)
                    .append("position", event.position()).append("type", items.typeOf(event))
                    .append("attempt", attempt).append("status", status).append("httpStatus", outcome.httpStatus())
                    .append("error", outcome.error()).append("durationMs", outcome.durationMs())
                    .append("at", clock.instant().toEpochMilli())
                    .append("nextAttemptAt", outcome.succeeded() || last ? null
                            : clock.instant().plus(backoff).toEpochMilli()));
            if (outcome.succeeded() || last) {
                return;
            }
            Thread.sleep(backoff.toMillis());
        }
    }

    /** {@code initial × 2^(attempt-1)}, at most {@code max-backoff}. */
    Duration backoff(int attempt) {
        Duration wait = properties.initialBackoff();
        for (int i = 1; i < attempt && wait.compareTo(properties.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(properties.maxBackoff()) > 0 ? properties.maxBackoff() : wait;
    }

    private Outcome attempt(WebhookSubscriptions.Subscription subscription, String messageId, String body) {
        long timestamp = clock.instant().getEpochSecond();
        long started = System.nanoTime();
        URI url = URI.create(subscription.url());
        InetAddress address;
        try {
            // The SSRF guard at every attempt; the connection then goes to the address it checked.
            address = guard.resolve(url);
        } catch (UnknownHostException e) {
            return new Outcome(false, null, "dns_failure", (System.nanoTime() - started) / 1_000_000);
        } catch (TargetGuard.DeniedTargetException e) {
            return new Outcome(false, null, "target_denied", (System.nanoTime() - started) / 1_000_000);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("webhook-id", messageId);
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", StandardWebhooks.signature(subscription.secret(), messageId, timestamp, body));
        try {
            int status = PinnedHttp.send("POST", url, address, headers, body.getBytes(StandardCharsets.UTF_8),
                    properties.timeout());
            long took = (System.nanoTime() - started) / 1_000_000;
            boolean ok = status / 100 == 2;
            return new Outcome(ok, status, ok ? null : "unexpected_status", took);
        } catch (SocketTimeoutException e) {
            return new Outcome(false, null, "timeout", (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | IllegalArgumentException e) {
            return new Outcome(false, null, "connection_failed", (System.nanoTime() - started) / 1_000_000);
        }
    }

    private record Outcome(boolean succeeded, Integer httpStatus, String error, long durationMs) {
    }
}
