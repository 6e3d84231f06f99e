package io.opsplane.query.webhook;

import io.opsplane.api.apikey.Scope;
import io.opsplane.platform.auth.RequiresScope;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.query.replay.ReadModels;
import io.opsplane.query.web.QueryParameters;
import org.bson.Document;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.springframework.data.mongodb.core.query.Criteria.where;

/**
 * Webhooks and their delivery log (scope {@code admin}). The log is written by the command side's dispatcher, one
 * document per attempt; this side only reads it.
 */
@RestController
class WebhookController {

    static final String DELIVERIES = "webhook_deliveries";

    private final MongoTemplate mongo;

    WebhookController(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @GetMapping(path = "/v1/webhooks", produces = MediaType.APPLICATION_JSON_VALUE)
    @RequiresScope(Scope.ADMIN)
    Webhooks list() {
        return new Webhooks(mongo.find(new Query().with(Sort.by("createdAt", "_id")), Document.class,
                ReadModels.collection(WebhookProjection.COLLECTION)).stream().map(WebhookController::webhook).toList());
    }

    @GetMapping(path = "/v1/webhooks/{id}/deliveries", produces = MediaType.APPLICATION_JSON_VALUE)
    @RequiresScope(Scope.ADMIN)
    Deliveries deliveries(@PathVariable String id, Parameters parameters) {
        int limit = QueryParameters.limit(parameters.limit(), 50, 500);
        if (mongo.findById(id, Document.class, ReadModels.collection(WebhookProjection.COLLECTION)) == null) {
            throw new ApiException(404, "webhook_not_found", "Webhook not found", "no webhook " + id);
        }
        Query query = new Query(where("webhookId").is(id))
                .with(Sort.by(Sort.Order.desc("at"), Sort.Order.desc("position"), Sort.Order.desc("attempt")))
                .limit(limit);
        return new Deliveries(mongo.find(query, Document.class, DELIVERIES).stream()
                .map(WebhookController::delivery).toList());
    }

    private static WebhookView webhook(Document d) {
        return new WebhookView(d.getString("_id"), d.getString("url"), d.getList("eventTypes", String.class),
                d.getString("description"), d.getString("status"), instant(d.getDate("createdAt")),
                d.getString("createdBy"), instant(d.getDate("deletedAt")));
    }

    private static DeliveryView delivery(Document d) {
        Object next = d.get("nextAttemptAt");
        return new DeliveryView(d.getString("deliveryId"), ((Number) d.get("position")).longValue(),
                d.getString("type"), d.getInteger("attempt"), d.getString("status"), d.getInteger("httpStatus"),
                d.getString("error"), ((Number) d.get("durationMs")).longValue(),
                Instant.ofEpochMilli(((Number) d.get("at")).longValue()),
                next == null ? null : Instant.ofEpochMilli(((Number) next).longValue()));
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }

    /** The query parameters of the delivery log, as sent. */
    record Parameters(String limit) {
    }

    record Webhooks(List<WebhookView> items) {
    }

    record WebhookView(String id, String url, List<String> eventTypes, String description, String status,
                       Instant createdAt, String createdBy, Instant deletedAt) {
    }

    record Deliveries(List<DeliveryView> items) {
    }

    record DeliveryView(String deliveryId, long position, String type, int attempt, String status, Integer httpStatus,
                        String error, long durationMs, Instant at, Instant nextAttemptAt) {
    }
}
