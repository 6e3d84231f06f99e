package io.opsplane.query.stream;

import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.query.eventlog.EventLogFeed;
import io.opsplane.query.eventlog.EventLogItem;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.Set;

/**
 * One open event stream, on its own thread so that a slow client holds up nobody else: reads the log after its last
 * position, sends the entries that match its types, and a heartbeat comment when it has been quiet.
 */
final class Subscriber {

    private static final int POSITIONS_PER_READ = 500;

    private final SseEmitter emitter;
    private final EventLogFeed feed;
    private final JsonMapper json;
    private final StreamProperties properties;
    private final Set<String> types;
    private final AuthenticatedKey reader;
    private long position;
    private volatile boolean stopped;

    /** @param reader the key the stream was opened with: it sees what it may read in {@code /v1/events} */
    Subscriber(SseEmitter emitter, EventLogFeed feed, JsonMapper json, StreamProperties properties, Set<String> types,
               AuthenticatedKey reader, long after) {
        this.emitter = emitter;
        this.feed = feed;
        this.json = json;
        this.properties = properties;
        this.types = types;
        this.reader = reader;
        this.position = after;
    }

    void stop() {
        stopped = true;
    }

    void run() {
        long lastSent = System.nanoTime();
        try {
            // A first comment commits the response, so the client sees the stream open before any event.
            emitter.send(SseEmitter.event().comment("stream after position " + position));
            while (!stopped) {
                EventLogFeed.Batch batch = feed.after(position, POSITIONS_PER_READ, reader);
                for (EventLogItem item : batch.items()) {
                    if (types.isEmpty() || types.contains(item.type())) {
                        emitter.send(SseEmitter.event().id(Long.toString(item.position())).name(item.type())
                                .data(json.writeValueAsString(item), MediaType.APPLICATION_JSON));
                        lastSent = System.nanoTime();
                    }
                }
                boolean caughtUp = batch.reached() == position;
                position = batch.reached();
                if (System.nanoTime() - lastSent >= properties.heartbeatInterval().toNanos()) {
                    emitter.send(SseEmitter.event().comment("heartbeat"));
                    lastSent = System.nanoTime();
                }
                if (caughtUp) {
                    Thread.sleep(properties.pollInterval().toMillis());
                }
            }
        } catch (IOException | IllegalStateException e) {
            // The client went away, or the container completed the response: nothing to tell anyone.
            stopped = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            emitter.completeWithError(e);
            return;
        }
        try {
            emitter.complete();
        } catch (IllegalStateException alreadyCompleted) {
            // the container completed it when the client left
        }
    }
}
