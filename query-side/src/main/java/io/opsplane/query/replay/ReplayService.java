package io.opsplane.query.replay;

import io.opsplane.platform.store.EventPositions;
import io.opsplane.query.config.QueryProperties;
import io.opsplane.query.consistency.ProjectionProgress;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.StreamableMessageSource;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.mongodb.client.model.Filters.eq;

/**
 * Rebuilds read models from the event store without taking them offline: for each one, a shadow tracking processor
 * replays every event into the next generation's collections while the live processor keeps the current generation
 * up to date and reads keep being served from it. When the shadow has reached the head recorded at the start, the
 * live processor is paused, the shadow catches up with it, the new generation becomes live (one registry write), and
 * the live processor continues from the shadow's position on the new collections; the old collections are dropped.
 * Reads see the old generation until the swap and the rebuilt one after it, never an empty or partial model.
 */
@Component
class ReplayService {

    private static final Logger log = LoggerFactory.getLogger(ReplayService.class);

    private final EventProcessingConfiguration processing;
    private final ApplicationContext context;
    private final EventStore eventStore;
    private final TokenStore tokenStore;
    private final ProjectionProgress progress;
    private final EventPositions positions;
    private final MongoTemplate mongo;
    private final org.axonframework.extensions.mongo.MongoTemplate axonMongo;
    private final QueryProperties properties;
    private volatile ReplayRun current;

    ReplayService(EventProcessingConfiguration processing, ApplicationContext context, EventStore eventStore,
                  TokenStore tokenStore, ProjectionProgress progress, EventPositions positions, MongoTemplate mongo,
                  org.axonframework.extensions.mongo.MongoTemplate axonMongo, QueryProperties properties) {
        this.processing = processing;
        this.context = context;
        this.eventStore = eventStore;
        this.tokenStore = tokenStore;
        this.progress = progress;
        this.positions = positions;
        this.mongo = mongo;
        this.axonMongo = axonMongo;
        this.properties = properties;
    }

    /** The replay in progress or last run; null before any. */
    ReplayRun current() {
        return current;
    }

    /**
     * Starts rebuilding {@code models} (every replayable one when empty) on a background thread.
     *
     * @return the new run, or null when one is still running
     */
    synchronized ReplayRun start(List<String> models) {
        if (current != null && current.running()) {
            return null;
        }
        List<String> chosen = models.isEmpty() ? new ArrayList<>(ReadModels.COLLECTIONS.keySet()) : models;
        Collections.sort(chosen);
        ReplayRun run = new ReplayRun(chosen, positions.head());
        current = run;
        Thread worker = new Thread(() -> replay(run), "read-model-replay");
        worker.setDaemon(true);
        worker.start();
        return run;
    }

    private void replay(ReplayRun run) {
        Map<String, Shadow> shadows = new LinkedHashMap<>();
        try {
            for (String model : run.models()) {
                shadows.put(model, startShadow(model));
                run.status(model, ReplayRun.Status.RUNNING);
            }
            while (!shadows.isEmpty()) {
                for (var iterator = shadows.entrySet().iterator(); iterator.hasNext(); ) {
                    var entry = iterator.next();
                    long reached = progress.processedPosition(entry.getValue().processorName());
                    run.position(entry.getKey(), reached);
                    if (reached >= run.headPosition()) {
                        swap(entry.getKey(), entry.getValue());
                        run.status(entry.getKey(), ReplayRun.Status.COMPLETED);
                        iterator.remove();
                    }
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(run, shadows, e);
        } catch (RuntimeException e) {
            fail(run, shadows, e);
        }
    }

    private void fail(ReplayRun run, Map<String, Shadow> shadows, Exception e) {
        log.error("Replay failed; the live read models keep serving", e);
        shadows.forEach((model, shadow) -> {
            shadow.processor().shutDown();
            run.status(model, ReplayRun.Status.FAILED);
        });
        run.failed();
    }

    private Shadow startShadow(String model) {
        long generation = ReadModels.liveGeneration(model) + 1;
        for (String base : ReadModels.COLLECTIONS.get(model)) {
            String target = ReadModels.name(base, generation);
            mongo.dropCollection(target);
            copyIndexes(ReadModels.name(base, generation - 1), target);
        }
        Object handler = handlerOf(model);
        String name = model + "@replay-g" + generation;
        axonMongo.trackingTokensCollection().deleteMany(eq("processorName", name));
        TrackingEventProcessor shadow = TrackingEventProcessor.builder()
                .name(name)
                .eventHandlerInvoker(SimpleEventHandlerInvoker.builder().eventHandlers(handler)
                        .listenerInvocationErrorHandler(PropagatingErrorHandler.instance()).build())
                .errorHandler(PropagatingErrorHandler.instance())
                .messageSource(eventStore)
                .tokenStore(tokenStore)
                .transactionManager(NoTransactionManager.INSTANCE)
                .trackingEventProcessorConfiguration(TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                        .andBatchSize(properties.projectionBatchSize())
                        .andInitialTrackingToken(StreamableMessageSource::createTailToken))
                .build();
        shadow.registerHandlerInterceptor((unitOfWork, chain) -> {
            Object[] result = new Object[1];
            Exception[] failure = new Exception[1];
            ReadModels.withTarget(model, generation, () -> {
                try {
                    result[0] = chain.proceed();
                } catch (Exception e) {
                    failure[0] = e;
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            return result[0];
        });
        shadow.start();
        return new Shadow(shadow, name, generation);
    }

    /**
     * Pauses the live processor, lets the shadow reach it, makes the new generation live and resumes the live
     * processor from the shadow's position on it. Its reset handler runs against the old generation, emptying it.
     */
    private void swap(String model, Shadow shadow) throws InterruptedException {
        TrackingEventProcessor live = processing.eventProcessor(model, TrackingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("No tracking processor " + model));
        long old = ReadModels.liveGeneration(model);
        live.shutDown();
        long liveReached = progress.processedPosition(model);
        while (progress.processedPosition(shadow.processorName()) < liveReached) {
            Thread.sleep(20);
        }
        shadow.processor().shutDown();
        long reached = progress.processedPosition(shadow.processorName());
        ReadModels.activate(model, shadow.generation());
        ReadModels.withTarget(model, old, () ->
                live.resetTokens(GapAwareTrackingToken.newInstance(reached, Collections.emptySet())));
        live.start();
        for (String base : ReadModels.COLLECTIONS.get(model)) {
            mongo.dropCollection(ReadModels.name(base, old));
        }
        axonMongo.trackingTokensCollection().deleteMany(eq("processorName", shadow.processorName()));
        log.info("Read model {} rebuilt up to position {} and live as generation {}", model, reached,
                shadow.generation());
    }

    private Object handlerOf(String model) {
        return context.getBeansWithAnnotation(ProcessingGroup.class).values().stream()
                .filter(bean -> model.equals(bean.getClass().getAnnotation(ProcessingGroup.class).value()))
                .findFirst().orElseThrow(() -> new IllegalStateException("No projection for " + model));
    }

    private void copyIndexes(String from, String to) {
        for (Document index : mongo.getCollection(from).listIndexes()) {
            if ("_id_".equals(index.getString("name"))) {
                continue;
            }
            com.mongodb.client.model.IndexOptions options = new com.mongodb.client.model.IndexOptions()
                    .name(index.getString("name")).unique(Boolean.TRUE.equals(index.getBoolean("unique")));
            mongo.getCollection(to).createIndex(index.get("key", Document.class), options);
        }
    }

    private record Shadow(TrackingEventProcessor processor, String processorName, long generation) {
    }
}
