package io.opsplane.query.stream;

import io.opsplane.api.apikey.Scope;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.auth.RequiresScope;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.query.eventlog.EventLogFeed;
import io.opsplane.query.web.QueryParameters;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code GET /v1/events/stream}: new audit log entries as server-sent events, resumable by position. */
@RestController
class EventStreamController {

    private final EventLogFeed feed;
    private final JsonMapper json;
    private final StreamProperties properties;
    private final OpenStreams streams;

    EventStreamController(EventLogFeed feed, JsonMapper json, StreamProperties properties, OpenStreams streams) {
        this.feed = feed;
        this.json = json;
        this.properties = properties;
        this.streams = streams;
    }

    @GetMapping(path = "/v1/events/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @RequiresScope(Scope.LOGS_READ)
    SseEmitter stream(@RequestParam(name = "type", required = false) String type,
                      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                      AuthenticatedKey key) {
        Set<String> types = QueryParameters.text(type)
                .map(value -> Arrays.stream(value.split(",")).map(String::trim).filter(t -> !t.isEmpty())
                        .collect(Collectors.toUnmodifiableSet()))
                .orElse(Set.of());
        long after = QueryParameters.position("Last-Event-ID", lastEventId).orElseGet(feed::head);
        // Never timed out by the container: the subscriber's heartbeats find out when the client has gone.
        SseEmitter emitter = new SseEmitter(0L);
        Subscriber subscriber = new Subscriber(emitter, feed, json, properties, types, key, after);
        if (!streams.tryOpen(subscriber, properties.maxSubscribers())) {
            throw new ApiException(503, "too_many_subscribers", "Too many subscribers",
                    "this instance serves " + properties.maxSubscribers() + " event streams at most; retry later",
                    Map.of(), Map.of("Retry-After", "5"));
        }
        Thread thread = new Thread(() -> {
            try {
                subscriber.run();
            } finally {
                streams.closed(subscriber);
            }
        }, "event-stream-" + after);
        thread.setDaemon(true);
        emitter.onCompletion(subscriber::stop);
        emitter.onError(error -> subscriber.stop());
        emitter.onTimeout(subscriber::stop);
        thread.start();
        return emitter;
    }
}
