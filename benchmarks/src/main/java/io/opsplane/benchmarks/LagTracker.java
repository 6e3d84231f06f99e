package io.opsplane.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The second process of the lag measurement: tracks the store over the wire from its head and prints how long each
 * event took from its timestamp to arrival. Arguments: connection string, engine kind, events expected, seconds.
 */
public final class LagTracker {

    private LagTracker() {
    }

    public static void main(String[] args) throws Exception {
        int expected = Integer.parseInt(args[2]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
        try (MongoClient client = MongoClients.create(args[0])) {
            EventStorageEngine engine = Engines.create(args[1], client);
            EmbeddedEventStore store = EmbeddedEventStore.builder().storageEngine(engine).fetchDelay(10).build();
            List<Long> lags = new ArrayList<>();
            try (BlockingStream<TrackedEventMessage<?>> stream = store.openStream(engine.createHeadToken())) {
                System.out.println("READY");
                System.out.flush();
                while (lags.size() < expected && System.nanoTime() < deadline) {
                    if (stream.hasNextAvailable(50, TimeUnit.MILLISECONDS)) {
                        TrackedEventMessage<?> event = stream.nextAvailable();
                        lags.add(System.currentTimeMillis() - event.getTimestamp().toEpochMilli());
                    }
                }
            }
            store.shutDown();
            lags.sort(Long::compare);
            System.out.println("LAG " + percentile(lags, 50) + " " + percentile(lags, 99) + " " + lags.size());
        }
        System.exit(0);
    }

    static long percentile(List<Long> sorted, int percent) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
    }
}
