package io.opsplane.query.replay;

import io.opsplane.platform.store.EventPositions;
import io.opsplane.query.config.Projections;
import io.opsplane.query.config.QueryProperties;
import io.opsplane.query.config.StoppableSources;
import io.opsplane.query.consistency.ProjectionProgress;
import org.axonframework.common.transaction.NoTransactionManager;
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
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * Rebuilds read models from the event store without taking them offline: for each one, a shadow tracking processor
 * replays every event into the next generation's collections while the live processor keeps the current generation
 * up to date and reads keep being served from it. When the shadow has reached the head recorded at the start, the
 * live processor (which runs other projections too) and the shadow are stopped, whichever is behind is run on to
 * exactly the other's position ({@link StoppableSources}), the new generation becomes live (one registry write), and
 * the live processor continues from its own token, now writing the new collections; the old ones are dropped. Reads
 * see the old generation until the swap and the rebuilt one after it, never an empty or partial model, and no
 * projection of the live processor misses or repeats an event.
 * <p>
 * A replay advances in steps on one scheduler thread, one swap at a time; nothing waits by sleeping.
 */
@Component
class ReplayService implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ReplayService.class);
    private static final Duration STEP = Duration.ofMillis(50);

    private final Projections projections;
    private final EventStore eventStore;
    private final TokenStore tokenStore;
    private final ProjectionProgress progress;
    private final EventPositions positions;
    private final MongoTemplate mongo;
    private final QueryProperties properties;
    private final StoppableSources sources;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private volatile ReplayRun current;

    ReplayService(Projections projections, EventStore eventStore, TokenStore tokenStore, ProjectionProgress progress,
                  EventPositions positions, MongoTemplate mongo, QueryProperties properties, StoppableSources sources) {
        this.projections = projections;
        this.eventStore = eventStore;
        this.tokenStore = tokenStore;
        this.progress = progress;
        this.positions = positions;
        this.mongo = mongo;
        this.properties = properties;
        this.sources = sources;
        scheduler.setPoolSize(1);
        scheduler.setThreadNamePrefix("read-model-replay-");
        scheduler.initialize();
    }

    /** The replay in progress or last run; null before any. */
    ReplayRun current() {
        return current;
    }

    /** The names a replay accepts: every projection's. */
    List<String> models() {
        return List.copyOf(projections.names());
    }

    /**
     * Starts rebuilding {@code models} (every replayable one when empty) in the background.
     *
     * @return the new run, or null when one is still running
     */
    synchronized ReplayRun start(List<String> models) {
        if (current != null && current.running()) {
            return null;
        }
        List<String> chosen = new ArrayList<>(models.isEmpty() ? models() : models);
        Collections.sort(chosen);
        ReplayRun run = new ReplayRun(chosen, positions.head());
        current = run;
        Replay replay = new Replay(run);
        replay.steps = scheduler.scheduleWithFixedDelay(replay::step, STEP);
        return run;
    }

    @Override
    public void destroy() {
        scheduler.shutdown();
    }

    /** One run's shadows, advanced by {@link #step()} until every model is live again. */
    private final class Replay {

        private final ReplayRun run;
        private final Map<String, Shadow> shadows = new LinkedHashMap<>();
        private Alignment aligning;
        private boolean started;
        private volatile ScheduledFuture<?> steps;

        Replay(ReplayRun run) {
            this.run = run;
        }

        void step() {
            try {
                if (!started) {
                    started = true;
                    for (String model : run.models()) {
                        shadows.put(model, startShadow(model));
                        run.status(model, ReplayRun.Status.RUNNING);
                    }
                }
                if (aligning != null) {
                    if (aligning.chaser() != null && progress.processedPosition(aligning.chaser()) < aligning.position()) {
                        return;
                    }
                    finishSwap(aligning);
                    run.status(aligning.model(), ReplayRun.Status.COMPLETED);
                    shadows.remove(aligning.model());
                    aligning = null;
                }
                for (var entry : shadows.entrySet()) {
                    long reached = progress.processedPosition(entry.getValue().processorName());
                    run.position(entry.getKey(), reached);
                    if (reached >= run.headPosition()) {
                        aligning = align(entry.getKey(), entry.getValue());
                        return;
                    }
                }
                if (shadows.isEmpty()) {
                    stop();
                }
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        private void fail(Exception e) {
            log.error("Replay failed; the live read models keep serving", e);
            if (aligning != null) {
                sources.release(aligning.live());
                projections.processor(aligning.model()).start();
            }
            shadows.forEach((model, shadow) -> {
                shadow.processor().shutDown();
                sources.forget(shadow.processorName());
                run.status(model, ReplayRun.Status.FAILED);
            });
            run.failed();
            stop();
        }

        private void stop() {
            ScheduledFuture<?> scheduled = steps;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }
    }

    private Shadow startShadow(String model) {
        long generation = ReadModels.liveGeneration(model) + 1;
        for (String base : ReadModels.collectionsOf(model)) {
            String target = ReadModels.name(base, generation);
            mongo.dropCollection(target);
            copyIndexes(ReadModels.name(base, generation - 1), target);
        }
        String name = model + "@replay-g" + generation;
        deleteTokens(name);
        TrackingEventProcessor shadow = TrackingEventProcessor.builder()
                .name(name)
                .eventHandlerInvoker(SimpleEventHandlerInvoker.builder().eventHandlers(projections.handler(model))
                        .listenerInvocationErrorHandler(PropagatingErrorHandler.instance()).build())
                .errorHandler(PropagatingErrorHandler.instance())
                .messageSource(sources.of(name, eventStore))
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
     * Stops the live processor of {@code model} and its shadow, and runs whichever is behind on to exactly where the
     * other stopped: the shadow, to rebuild what the live model has; or the live processor (its model's writes still go
     * to the old generation), so that its other projections are where they would have been.
     */
    private Alignment align(String model, Shadow shadow) {
        TrackingEventProcessor live = projections.processor(model);
        live.shutDown();
        shadow.processor().shutDown();
        long liveReached = progress.processedPosition(live.getName());
        long shadowReached = progress.processedPosition(shadow.processorName());
        if (shadowReached < liveReached) {
            sources.stopAfter(shadow.processorName(), liveReached);
            shadow.processor().start();
            return new Alignment(model, shadow, live.getName(), shadow.processorName(), liveReached);
        }
        if (liveReached < shadowReached) {
            sources.stopAfter(live.getName(), shadowReached);
            live.start();
            return new Alignment(model, shadow, live.getName(), live.getName(), shadowReached);
        }
        return new Alignment(model, shadow, live.getName(), null, liveReached);
    }

    /** Makes the aligned shadow's generation live and resumes the live processor on it. */
    private void finishSwap(Alignment alignment) {
        String model = alignment.model();
        Shadow shadow = alignment.shadow();
        shadow.processor().shutDown();
        TrackingEventProcessor live = projections.processor(model);
        live.shutDown();
        sources.release(alignment.live());
        long old = ReadModels.liveGeneration(model);
        ReadModels.activate(model, shadow.generation());
        live.start();
        for (String base : ReadModels.collectionsOf(model)) {
            mongo.dropCollection(ReadModels.name(base, old));
        }
        deleteTokens(shadow.processorName());
        sources.forget(shadow.processorName());
        log.info("Read model {} rebuilt up to position {} and live as generation {}", model, alignment.position(),
                shadow.generation());
    }

    /** Removes every token of a shadow processor that is not running, claiming each segment first as Axon requires. */
    private void deleteTokens(String processorName) {
        for (int segment : tokenStore.fetchSegments(processorName)) {
            tokenStore.fetchToken(processorName, segment);
            tokenStore.deleteToken(processorName, segment);
        }
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

    /**
     * A swap waiting for {@code chaser} (null when none had to move) to reach {@code position}, the one both the
     * shadow and the live processor {@code live} stop at.
     */
    private record Alignment(String model, Shadow shadow, String live, String chaser, long position) {
    }
}
