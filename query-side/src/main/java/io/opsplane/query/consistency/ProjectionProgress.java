package io.opsplane.query.consistency;

import io.opsplane.platform.store.EventPositions;
import io.opsplane.query.config.Projections;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.extensions.mongo.MongoTemplate;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.bson.Document;
import org.bson.types.Binary;
import org.springframework.stereotype.Component;

import static com.mongodb.client.model.Filters.eq;

/**
 * How far a projection has got, read from the token store every query-side instance shares: the progress of the
 * processor that runs it ({@link Projections}), since several projections share one processor and its token.
 * {@code TokenStore.fetchToken} would claim the segment and steal it from the processor working
 * on it, so the stored tokens are read directly instead.
 */
@Component
public class ProjectionProgress {

    private final MongoTemplate axonMongoTemplate;
    private final Serializer serializer;
    private final Projections projections;

    ProjectionProgress(MongoTemplate axonMongoTemplate, Serializer serializer, Projections projections) {
        this.axonMongoTemplate = axonMongoTemplate;
        this.serializer = serializer;
        this.projections = projections;
    }

    /**
     * The position up to which the projection (or, for a name that is no projection's, the processor of that name)
     * has handled every event: the lowest over its processor's segments; -1 before it stored a token.
     */
    public long processedPosition(String projectionOrProcessor) {
        String processorName = projections.processorOf(projectionOrProcessor).orElse(projectionOrProcessor);
        long lowest = Long.MAX_VALUE;
        boolean any = false;
        for (Document entry : axonMongoTemplate.trackingTokensCollection().find(eq("processorName", processorName))) {
            any = true;
            lowest = Math.min(lowest, EventPositions.of(token(entry)));
        }
        return any ? lowest : -1;
    }

    private TrackingToken token(Document entry) {
        Binary data = entry.get("token", Binary.class);
        String type = entry.getString("tokenType");
        if (data == null || type == null) {
            return null;
        }
        return serializer.deserialize(new SimpleSerializedObject<>(data.getData(), byte[].class, type, null));
    }
}
