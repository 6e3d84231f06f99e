package io.opsplane.query.webhook;

import io.opsplane.api.webhook.WebhookDeletedEvent;
import io.opsplane.api.webhook.WebhookRegisteredEvent;
import io.opsplane.query.replay.ReadModel;
import io.opsplane.query.replay.ReadModels;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import java.time.temporal.ChronoUnit;
import java.util.Date;

import static org.springframework.data.mongodb.core.query.Criteria.where;

/** The {@code webhooks} read model: each registered webhook without its secret; idempotent upserts by id. */
@Component
@ProcessingGroup(WebhookProjection.PROCESSING_GROUP)
@ReadModel(WebhookProjection.COLLECTION)
class WebhookProjection {

    static final String PROCESSING_GROUP = "webhooks";
    static final String COLLECTION = "webhooks";

    private final MongoTemplate mongo;

    WebhookProjection(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @EventHandler
    void on(WebhookRegisteredEvent event, EventMessage<?> message) {
        mongo.upsert(new Query(where("_id").is(event.webhookId())), new Update()
                .set("url", event.url()).set("eventTypes", event.eventTypes()).set("description", event.description())
                .set("createdBy", event.registeredBy() == null ? null : event.registeredBy().name())
                .set("createdAt", Date.from(message.getTimestamp().truncatedTo(ChronoUnit.MILLIS)))
                .setOnInsert("status", "active"), ReadModels.collection(COLLECTION));
    }

    @EventHandler
    void on(WebhookDeletedEvent event, EventMessage<?> message) {
        mongo.upsert(new Query(where("_id").is(event.webhookId())), new Update().set("status", "deleted")
                .set("deletedAt", Date.from(message.getTimestamp().truncatedTo(ChronoUnit.MILLIS))),
                ReadModels.collection(COLLECTION));
    }

    @ResetHandler
    void reset() {
        mongo.remove(new Query(), Document.class, ReadModels.collection(COLLECTION));
    }
}
