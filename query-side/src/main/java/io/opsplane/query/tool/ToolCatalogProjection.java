package io.opsplane.query.tool;

import io.opsplane.api.tool.CatalogPublishedEvent;
import io.opsplane.api.tool.ToolSpec;
import io.opsplane.platform.store.EventPositions;
import io.opsplane.query.replay.ReadModel;
import io.opsplane.query.replay.ReadModels;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Optional;

import static org.springframework.data.mongodb.core.query.Criteria.where;

/**
 * The {@code tools} read model: the catalogue as last published by the command side. Each
 * publication lists every tool, so a tool it no longer lists is removed. A redelivered event
 * writes the same documents again.
 */
@Component
@ProcessingGroup(ToolCatalogProjection.PROCESSING_GROUP)
@ReadModel(ToolDocument.COLLECTION)
class ToolCatalogProjection {

    static final String PROCESSING_GROUP = "tools";

    private final MongoTemplate mongo;
    private final JsonMapper json;

    ToolCatalogProjection(MongoTemplate mongo, JsonMapper json) {
        this.mongo = mongo;
        this.json = json;
    }

    @EventHandler
    void on(CatalogPublishedEvent event, TrackingToken token) {
        long position = EventPositions.of(token);
        for (ToolSpec tool : event.tools()) {
            mongo.save(new ToolDocument(tool.name(), position, json.writeValueAsString(tool)), tools());
        }
        List<String> listed = event.tools().stream().map(ToolSpec::name).toList();
        mongo.remove(new Query(where("_id").nin(listed)), ToolDocument.class, tools());
    }

    @ResetHandler
    void reset() {
        mongo.remove(new Query(), ToolDocument.class, tools());
    }

    List<ToolDocument> all() {
        return mongo.find(new Query().with(Sort.by("_id")), ToolDocument.class, tools());
    }

    Optional<ToolDocument> find(String name) {
        return Optional.ofNullable(mongo.findById(name, ToolDocument.class, tools()));
    }

    /** The collection of the catalogue this thread reads and writes: the live generation, or one a replay builds. */
    private static String tools() {
        return ReadModels.collection(ToolDocument.COLLECTION);
    }
}
