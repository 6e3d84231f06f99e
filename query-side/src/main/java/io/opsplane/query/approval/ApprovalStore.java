package io.opsplane.query.approval;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.IndexOperations;
import org.springframework.data.mongodb.core.index.IndexResolver;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.springframework.data.mongodb.core.query.Criteria.where;

/** The {@code approval_requests} collection: lookups by id, newest-first pages and the pending inbox. */
@Component
class ApprovalStore {

    private final MongoTemplate mongo;

    ApprovalStore(MongoTemplate mongo) {
        this.mongo = mongo;
        IndexOperations indexes = mongo.indexOps(ApprovalDocument.class);
        IndexResolver.create(mongo.getConverter().getMappingContext())
                .resolveIndexFor(ApprovalDocument.class)
                .forEach(indexes::createIndex);
    }

    Optional<ApprovalDocument> findById(String id) {
        return Optional.ofNullable(mongo.findById(id, ApprovalDocument.class));
    }

    void save(ApprovalDocument document) {
        mongo.save(document);
    }

    void deleteAll() {
        mongo.remove(new Query(), ApprovalDocument.class);
    }

    /**
     * Up to {@code limit + 1} documents, so the caller knows whether a next page exists. Pending
     * requests come soonest-expiring first (the approver's inbox); any other listing newest first.
     *
     * @param visible the tools the reading key may see ({@link io.opsplane.query.security.VisibleTools}); empty: all
     */
    List<ApprovalDocument> page(String status, String tool, ApprovalCursor after, int limit,
                                Optional<Criteria> visible) {
        boolean inbox = "pending".equals(status);
        List<Criteria> criteria = new ArrayList<>();
        visible.ifPresent(criteria::add);
        if (status != null) {
            criteria.add(where("status").is(status));
        }
        if (tool != null) {
            criteria.add(where("tool").is(tool));
        }
        if (after != null && inbox) {
            criteria.add(new Criteria().orOperator(where("expiresAtMillis").gt(after.key()),
                    where("expiresAtMillis").is(after.key()).and("_id").gt(after.id())));
        } else if (after != null) {
            criteria.add(new Criteria().orOperator(where("createdPosition").lt(after.key()),
                    where("createdPosition").is(after.key()).and("_id").lt(after.id())));
        }
        Query query = criteria.isEmpty() ? new Query() : new Query(new Criteria().andOperator(criteria));
        query.with(inbox ? Sort.by(Sort.Order.asc("expiresAtMillis"), Sort.Order.asc("_id"))
                : Sort.by(Sort.Order.desc("createdPosition"), Sort.Order.desc("_id"))).limit(limit + 1);
        query.fields().exclude("history");
        return mongo.find(query, ApprovalDocument.class);
    }
}
