package io.opsplane.command.webhook;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The command side's own record of each subscriber in {@code webhook_subscriptions}: URL, types, the signing secret
 * (never in an event), the position delivered up to, and which instance holds it. Deliveries go to
 * {@code webhook_deliveries}, which the query side serves.
 */
@Component
class WebhookSubscriptions {

    static final String SUBSCRIPTIONS = "webhook_subscriptions";
    static final String DELIVERIES = "webhook_deliveries";

    private final MongoCollection<Document> subscriptions;
    private final MongoCollection<Document> deliveries;

    WebhookSubscriptions(MongoTemplate mongo) {
        this.subscriptions = mongo.getCollection(SUBSCRIPTIONS);
        this.deliveries = mongo.getCollection(DELIVERIES);
    }

    /** Stored before the webhook is registered, inactive until the registration event is projected. */
    void prepare(String webhookId, String url, List<String> eventTypes, String secret) {
        subscriptions.insertOne(new Document("_id", webhookId).append("url", url).append("eventTypes", eventTypes)
                .append("secret", secret).append("active", false));
    }

    /** Activates a subscriber from the position of its registration; a redelivered registration changes nothing. */
    void activate(String webhookId, long registeredAt) {
        subscriptions.updateOne(Filters.and(Filters.eq("_id", webhookId), Filters.exists("cursor", false)),
                Updates.combine(Updates.set("active", true), Updates.set("cursor", registeredAt)));
    }

    void deactivate(String webhookId) {
        subscriptions.updateOne(Filters.eq("_id", webhookId), Updates.set("active", false));
    }

    List<Subscription> active() {
        List<Subscription> found = new ArrayList<>();
        for (Document document : subscriptions.find(Filters.eq("active", true))) {
            found.add(toSubscription(document));
        }
        return found;
    }

    Subscription find(String webhookId) {
        Document document = subscriptions.find(Filters.eq("_id", webhookId)).first();
        return document == null ? null : toSubscription(document);
    }

    /** Takes or renews the lease on a subscriber: an atomic compare-and-set on one document. */
    boolean lease(String webhookId, String owner, Instant now, Instant until) {
        Bson free = Filters.or(Filters.exists("leaseUntil", false), Filters.lt("leaseUntil", now.toEpochMilli()),
                Filters.eq("leaseOwner", owner));
        // findOneAndUpdate: on the embedded store updateOne's match and write are not one atomic step.
        return subscriptions.findOneAndUpdate(Filters.and(Filters.eq("_id", webhookId), Filters.eq("active", true), free),
                Updates.combine(Updates.set("leaseOwner", owner), Updates.set("leaseUntil", until.toEpochMilli())),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE)) != null;
    }

    /** Moves the subscriber past {@code position}, only while this instance holds it. */
    void advance(String webhookId, String owner, long position) {
        subscriptions.updateOne(Filters.and(Filters.eq("_id", webhookId), Filters.eq("leaseOwner", owner)),
                Updates.max("cursor", position));
    }

    void recordAttempt(Document attempt) {
        deliveries.replaceOne(Filters.eq("_id", attempt.getString("_id")), attempt,
                new com.mongodb.client.model.ReplaceOptions().upsert(true));
    }

    private static Subscription toSubscription(Document document) {
        Object cursor = document.get("cursor");
        return new Subscription(document.getString("_id"), document.getString("url"),
                document.getList("eventTypes", String.class), document.getString("secret"),
                cursor == null ? -1 : ((Number) cursor).longValue(), Boolean.TRUE.equals(document.getBoolean("active")));
    }

    record Subscription(String id, String url, List<String> eventTypes, String secret, long cursor, boolean active) {

        boolean wants(String type) {
            return eventTypes.contains("*") || eventTypes.contains(type);
        }
    }
}
