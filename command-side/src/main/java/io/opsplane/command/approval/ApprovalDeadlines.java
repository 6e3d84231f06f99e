package io.opsplane.command.approval;

import io.opsplane.api.approval.ApprovalRequestedEvent;
import io.opsplane.api.approval.RequestCancelledEvent;
import io.opsplane.api.approval.RequestExecutedEvent;
import io.opsplane.api.approval.RequestExpiredEvent;
import io.opsplane.api.approval.RequestRejectedEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * The deadlines of open approval requests ({@code approval_deadlines}, one document per request,
 * keyed by its id), projected from the approval events by a tracking processor, so the set survives
 * restarts and is complete after any crash: the token moves on only after the write. Open requests
 * are few, so the sweeper reads them all rather than relying on a range index the embedded store
 * would not use.
 */
@Component
@ProcessingGroup(ApprovalDeadlines.PROCESSING_GROUP)
class ApprovalDeadlines {

    static final String PROCESSING_GROUP = "approval-deadlines";
    static final String COLLECTION = "approval_deadlines";

    private final MongoTemplate mongo;

    ApprovalDeadlines(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @EventHandler
    void on(ApprovalRequestedEvent event) {
        mongo.upsert(byId(event.requestId()), Update.update("expiresAt", Date.from(event.expiresAt())), COLLECTION);
    }

    @EventHandler
    void on(RequestRejectedEvent event) {
        close(event.requestId());
    }

    @EventHandler
    void on(RequestCancelledEvent event) {
        close(event.requestId());
    }

    @EventHandler
    void on(RequestExpiredEvent event) {
        close(event.requestId());
    }

    @EventHandler
    void on(RequestExecutedEvent event) {
        close(event.requestId());
    }

    @ResetHandler
    void reset() {
        mongo.remove(new Query(), COLLECTION);
    }

    /** Ids of open requests whose deadline is at or before {@code now}, at most {@code limit}. */
    List<String> due(Instant now, int limit) {
        return mongo.findAll(Document.class, COLLECTION).stream()
                .filter(d -> !d.getDate("expiresAt").toInstant().isAfter(now))
                .limit(limit)
                .map(d -> d.getString("_id"))
                .toList();
    }

    private void close(String requestId) {
        mongo.remove(byId(requestId), COLLECTION);
    }

    private static Query byId(String requestId) {
        return new Query(Criteria.where("_id").is(requestId));
    }
}
