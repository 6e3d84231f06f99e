package io.opsplane.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.messaging.StreamableMessageSource;
import org.axonframework.serialization.json.JacksonSerializer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The second process of the lag measurement: a projection as the query side runs one — a single-threaded
 * {@link TrackingEventProcessor} over an {@link EmbeddedEventStore} (fetch delay 25 ms, as in the applications),
 * its token kept in the Mongo token store, batches of 50 — started at the head of the store. Prints how long each
 * event took from its timestamp to reaching the handler. Arguments: connection string, engine kind, events expected,
 * seconds.
 */
public final class LagTracker {

    private static final int PROJECTION_BATCH_SIZE = 50;
    /** The applications' default ({@code opsplane.store.fetch-delay}). */
    private static final long FETCH_DELAY_MILLIS = 25;

    private LagTracker() {
    }

    public static void main(String[] args) throws Exception {
        int expected = Integer.parseInt(args[2]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
        try (MongoClient client = MongoClients.create(args[0])) {
            EventStorageEngine engine = Engines.create(args[1], client);
            EmbeddedEventStore store = EmbeddedEventStore.builder().storageEngine(engine)
                                                         .fetchDelay(FETCH_DELAY_MILLIS).build();
            MongoTokenStore tokens = MongoTokenStore.builder()
                    .mongoTemplate(DefaultMongoTemplate.builder().mongoDatabase(client, Engines.DATABASE).build())
                    .serializer(JacksonSerializer.defaultSerializer())
                    .build();
            tokens.ensureIndexes();
            List<Long> lags = Collections.synchronizedList(new ArrayList<>());
            TrackingEventProcessor projection = projection(store, tokens, event -> lags.add(
                    System.currentTimeMillis() - event.getTimestamp().toEpochMilli()));
            projection.start();
            while (projection.processingStatus().values().stream().noneMatch(s -> s.getTrackingToken() != null)
                    && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            System.out.println("READY");
            System.out.flush();
            while (lags.size() < expected && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            projection.shutDown();
            store.shutDown();
            List<Long> sorted;
            synchronized (lags) {
                sorted = new ArrayList<>(lags);
            }
            sorted.sort(Long::compare);
            System.out.println("LAG " + percentile(sorted, 50) + " " + percentile(sorted, 99) + " " + sorted.size());
        }
        System.exit(0);
    }

    private static TrackingEventProcessor projection(EmbeddedEventStore store, TokenStore tokens,
                                                     java.util.function.Consumer<EventMessage<?>> handler) {
        EventMessageHandler recorder = event -> {
            handler.accept(event);
            return null;
        };
        return TrackingEventProcessor.builder()
                .name("lag-" + ProcessHandle.current().pid())
                .eventHandlerInvoker(SimpleEventHandlerInvoker.builder().eventHandlers(recorder).build())
                .messageSource(store)
                .tokenStore(tokens)
                .transactionManager(NoTransactionManager.INSTANCE)
                .trackingEventProcessorConfiguration(TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                        .andBatchSize(PROJECTION_BATCH_SIZE)
                        .andInitialTrackingToken(StreamableMessageSource::createHeadToken))
                .build();
    }

    static long percentile(List<Long> sorted, int percent) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
    }
}
