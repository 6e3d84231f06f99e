package io.opsplane.query.apikey;

import io.opsplane.query.replay.ReadModels;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.IndexOperations;
import org.springframework.data.mongodb.core.index.IndexResolver;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.springframework.data.mongodb.core.query.Criteria.where;

/** The {@code api_keys} collection: lookups by id and newest-first pages. */
@Component
class ApiKeyStore {

    private final MongoTemplate mongo;

    ApiKeyStore(MongoTemplate mongo) {
        this.mongo = mongo;
        IndexOperations indexes = mongo.indexOps(keys());
        IndexResolver.create(mongo.getConverter().getMappingContext())
                .resolveIndexFor(ApiKeyDocument.class)
                .forEach(indexes::createIndex);
    }

    Optional<ApiKeyDocument> findById(String keyId) {
        return Optional.ofNullable(mongo.findById(keyId, ApiKeyDocument.class, keys()));
    }

    void save(ApiKeyDocument document) {
        mongo.save(document, keys());
    }

    void deleteAll() {
        mongo.remove(new Query(), ApiKeyDocument.class, keys());
    }

    /** A page query's filters; {@code status} is evaluated at {@code now}. */
    record Filter(Optional<String> status, Optional<String> principal, int limit, Optional<ApiKeyCursor> after) {
    }

    /** Up to {@code filter.limit() + 1} documents, so that the caller knows whether a next page exists. */
    List<ApiKeyDocument> page(Filter filter, Instant now) {
        List<Criteria> criteria = new ArrayList<>();
        filter.principal().ifPresent(principal -> criteria.add(where("principal").is(principal)));
        filter.status().ifPresent(status -> criteria.add(statusCriteria(status, now)));
        filter.after().ifPresent(cursor -> criteria.add(new Criteria().orOperator(
                where("createdPosition").lt(cursor.createdPosition()),
                where("createdPosition").is(cursor.createdPosition()).and("_id").lt(cursor.keyId()))));
        Query query = criteria.isEmpty() ? new Query() : new Query(new Criteria().andOperator(criteria));
        query.with(Sort.by(Sort.Order.desc("createdPosition"), Sort.Order.desc("_id"))).limit(filter.limit() + 1);
        return mongo.find(query, ApiKeyDocument.class, keys());
    }

    /** The collection of the keys this thread reads and writes: the live generation, or one a replay builds. */
    private static String keys() {
        return ReadModels.collection(ApiKeyDocument.COLLECTION);
    }

    /** The same rule as {@link ApiKeyDocument#statusAt}, as a query. */
    private static Criteria statusCriteria(String status, Instant now) {
        return switch (status) {
            case "revoked" -> where("revokedAt").ne(null);
            case "expired" -> new Criteria().andOperator(where("revokedAt").is(null), new Criteria().orOperator(
                    where("expiredAt").ne(null), where("expiresAt").lte(now)));
            case "active" -> new Criteria().andOperator(where("revokedAt").is(null), where("expiredAt").is(null),
                    new Criteria().orOperator(where("expiresAt").is(null), where("expiresAt").gt(now)));
            default -> throw new IllegalArgumentException("unknown status " + status);
        };
    }
}
