package io.opsplane.query.eventlog;

import io.opsplane.query.replay.ReadModels;
import org.bson.Document;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.IndexOperations;
import org.springframework.data.mongodb.core.index.IndexResolver;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.springframework.data.mongodb.core.query.Criteria.where;

/**
 * The {@code eventlog} collection: one document per event, read in position order; and
 * {@code eventlog_tools}, the tool of each execution and approval request, found by id, so that every entry of
 * one can be labelled with its tool.
 */
@Component
class EventLogStore {

    static final String TOOLS = "eventlog_tools";

    private final MongoTemplate mongo;

    EventLogStore(MongoTemplate mongo) {
        this.mongo = mongo;
        IndexOperations indexes = mongo.indexOps(EventLogDocument.class);
        IndexResolver.create(mongo.getConverter().getMappingContext())
                .resolveIndexFor(EventLogDocument.class)
                .forEach(indexes::createIndex);
    }

    /** Inserts or replaces the event at its position; storing the same event again changes nothing. */
    void save(EventLogDocument document) {
        mongo.save(document);
    }

    Optional<EventLogDocument> findByPosition(long position) {
        return Optional.ofNullable(mongo.findById(position, EventLogDocument.class));
    }

    /** The entries at positions {@code first..last}, in order: one {@code _id $in} read. */
    List<EventLogDocument> positions(long first, long last) {
        List<Long> positions = new ArrayList<>((int) (last - first + 1));
        for (long position = first; position <= last; position++) {
            positions.add(position);
        }
        return mongo.find(new Query(where("_id").in(positions)), EventLogDocument.class).stream()
                .sorted(java.util.Comparator.comparingLong(EventLogDocument::position)).toList();
    }

    void deleteAll() {
        mongo.remove(new Query(), EventLogDocument.class);
        mongo.remove(new Query(), ReadModels.collection(TOOLS));
    }

    /** Records the tool of an aggregate (an execution or approval request), as its first event names it. */
    void rememberTool(String aggregateId, String tool) {
        mongo.upsert(new Query(where("_id").is(aggregateId)), new Update().set("tool", tool),
                ReadModels.collection(TOOLS));
    }

    /** The tool of an aggregate whose first event named one: one exact read by id. */
    Optional<String> toolOf(String aggregateId) {
        return Optional.ofNullable(mongo.findById(aggregateId, Document.class, ReadModels.collection(TOOLS)))
                .map(d -> d.getString("tool"));
    }

    /**
     * Up to {@code filter.limit() + 1} events, so that the caller knows whether the log goes on.
     *
     * @param visible the entries the reading key may see ({@link VisibleEntries}); empty: all
     */
    List<EventLogDocument> page(EventLogFilter filter, Optional<Criteria> visible) {
        List<Criteria> criteria = new ArrayList<>();
        visible.ifPresent(criteria::add);
        if (!filter.types().isEmpty()) {
            criteria.add(where("type").in(filter.types()));
        }
        filter.aggregateId().ifPresent(id -> criteria.add(where("aggregateId").is(id)));
        filter.since().ifPresent(since -> criteria.add(where("timestamp").gte(since)));
        filter.after().ifPresent(after -> criteria.add(where("_id").gt(after)));
        Query query = criteria.isEmpty() ? new Query() : new Query(new Criteria().andOperator(criteria));
        return mongo.find(query.with(Sort.by(Sort.Order.asc("_id"))).limit(filter.limit() + 1), EventLogDocument.class);
    }
}
