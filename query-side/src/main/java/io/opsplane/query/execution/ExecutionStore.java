package io.opsplane.query.execution;

import io.opsplane.api.execution.ExecutionMode;
import io.opsplane.api.execution.ExecutionStatus;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.IndexOperations;
import org.springframework.data.mongodb.core.index.IndexResolver;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static org.springframework.data.mongodb.core.query.Criteria.where;

/** The {@code executions} collection: lookups by id and newest-first pages. */
@Component
class ExecutionStore {

    private final MongoTemplate mongo;

    ExecutionStore(MongoTemplate mongo) {
        this.mongo = mongo;
        IndexOperations indexes = mongo.indexOps(ExecutionDocument.class);
        IndexResolver.create(mongo.getConverter().getMappingContext())
                .resolveIndexFor(ExecutionDocument.class)
                .forEach(indexes::createIndex);
    }

    Optional<ExecutionDocument> findById(String executionId) {
        return Optional.ofNullable(mongo.findById(executionId, ExecutionDocument.class));
    }

    void save(ExecutionDocument document) {
        mongo.save(document);
    }

    void deleteAll() {
        mongo.remove(new Query(), ExecutionDocument.class);
    }

    /**
     * Up to {@code filter.limit() + 1} documents, so that the caller knows whether a next page exists.
     *
     * @param visible the tools the reading key may see ({@link io.opsplane.query.security.VisibleTools}); empty: all
     */
    List<ExecutionDocument> page(ExecutionFilter filter, Optional<Criteria> visible) {
        List<Criteria> criteria = new ArrayList<>();
        visible.ifPresent(criteria::add);
        filter.tool().ifPresent(tool -> criteria.add(where("tool").is(tool)));
        filter.status().ifPresent(status -> criteria.add(where("status").is(wireName(status))));
        filter.mode().ifPresent(mode -> criteria.add(where("mode").is(wireName(mode))));
        filter.actor().ifPresent(actor -> criteria.add(where("actor").is(actor)));
        filter.since().ifPresent(since -> criteria.add(where("createdAt").gte(since)));
        filter.until().ifPresent(until -> criteria.add(where("createdAt").lt(until)));
        filter.after().ifPresent(cursor -> criteria.add(new Criteria().orOperator(
                where("createdPosition").lt(cursor.createdPosition()),
                where("createdPosition").is(cursor.createdPosition()).and("_id").lt(cursor.executionId()))));
        Query query = criteria.isEmpty() ? new Query() : new Query(new Criteria().andOperator(criteria));
        query.with(Sort.by(Sort.Order.desc("createdPosition"), Sort.Order.desc("_id")))
                .limit(filter.limit() + 1);
        query.fields().exclude("timeline");
        return mongo.find(query, ExecutionDocument.class);
    }

    static String wireName(ExecutionStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    static String wireName(ExecutionMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }
}
