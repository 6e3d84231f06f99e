package io.opsplane.query.eventlog;

import io.opsplane.api.apikey.Scope;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.auth.RequiresScope;
import io.opsplane.query.consistency.ReadYourWrites;
import io.opsplane.query.index.Documents;
import io.opsplane.query.web.QueryParameters;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The raw audit event log, oldest first. */
@RestController
@RequestMapping(path = "/v1/events", produces = MediaType.APPLICATION_JSON_VALUE)
class EventLogController {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final EventLogStore store;
    private final ReadYourWrites readYourWrites;
    private final EventLogFeed feed;

    EventLogController(EventLogStore store, ReadYourWrites readYourWrites, EventLogFeed feed) {
        this.store = store;
        this.readYourWrites = readYourWrites;
        this.feed = feed;
    }

    @GetMapping
    @RequiresScope(Scope.LOGS_READ)
    CompletableFuture<EventLogPage> list(ListParameters parameters, AuthenticatedKey key) {
        EventLogFilter filter = parameters.toFilter();
        return readYourWrites.then(EventLogProjection.PROCESSING_GROUP,
                QueryParameters.position("minPosition", parameters.minPosition()), () -> {
            Documents.Slice<EventLogDocument> slice = store.page(filter, entry -> VisibleEntries.visible(key, entry));
            List<EventLogDocument> found = slice.items();
            List<EventLogDocument> page = found.subList(0, Math.min(found.size(), filter.limit()));
            Long nextAfter = found.size() > filter.limit() ? Long.valueOf(page.get(page.size() - 1).position())
                    : slice.resumeAfter() == null ? null : slice.resumeAfter().key();
            return new EventLogPage(page.stream().map(feed::item).toList(), nextAfter);
        });
    }

    /** The query parameters of an event log request, as sent. */
    record ListParameters(String type, String aggregateId, String since, String after, String limit,
                          String minPosition) {

        EventLogFilter toFilter() {
            List<String> types = QueryParameters.text(type)
                    .map(value -> Arrays.stream(value.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList())
                    .orElse(List.of());
            return new EventLogFilter(types, QueryParameters.text(aggregateId), QueryParameters.instant("since", since),
                    QueryParameters.position("after", after), QueryParameters.limit(limit, DEFAULT_LIMIT, MAX_LIMIT));
        }
    }

    /** One page of the log; {@code nextAfter} is null when the page reached the end of the log. */
    record EventLogPage(List<EventLogItem> items, Long nextAfter) {
    }
}
