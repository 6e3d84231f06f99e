package io.opsplane.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Measures both engines at growing store sizes on the embedded store, served over the wire on 127.0.0.1. Every
 * figure is a median; every measurement is capped in time so the slow engine cannot hold the run up. Prints one
 * table row per engine and size.
 */
public final class EventStoreBenchmark {

    private static final int EVENTS_PER_AGGREGATE = 10;
    private static final long METRIC_CAP_NANOS = TimeUnit.SECONDS.toNanos(8);
    private static final int LAG_SENDERS = 8;
    private static final int LAG_RATE_PER_SECOND = 200;
    private static final int LAG_SECONDS = 4;
    private static final AtomicLong fresh = new AtomicLong();

    private EventStoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long[] sizes = Arrays.stream(args).filter(a -> a.matches("\\d+")).mapToLong(Long::parseLong).toArray();
        if (sizes.length == 0) {
            sizes = new long[]{10_000, 100_000, 1_000_000};
        }
        boolean h2 = Arrays.asList(args).contains("h2");
        // Naming one engine ("sequenced" or "stock") measures only that one; by default both run.
        List<String> engines = Arrays.stream(args).filter(a -> a.equals("sequenced") || a.equals("stock")).toList();
        if (engines.isEmpty()) {
            engines = List.of("sequenced", "stock");
        }
        System.out.printf("%-9s %-6s %9s %10s %10s %10s %10s %10s %9s %9s %11s%n", "engine", "store", "events",
                          "appends/s", "8 thr/s", "load ms", "idle ms", "batch ms", "lag p50", "lag p99", "replay ev/s");
        for (String kind : engines) {
            run(kind, "memory", sizes);
            if (h2) {
                run(kind, "h2", Arrays.stream(sizes).filter(size -> size <= 100_000).toArray());
            }
        }
    }

    private static void run(String kind, String backend, long[] sizes) throws Exception {
        MongoServer server = new MongoServer("h2".equals(backend) ? H2Backend.inMemory() : new MemoryBackend());
        InetSocketAddress address = server.bind();
        String uri = "mongodb://127.0.0.1:" + address.getPort();
        try (MongoClient client = MongoClients.create(uri)) {
            EventStorageEngine engine = Engines.create(kind, client);
            long stored = 0;
            for (long size : sizes) {
                stored = fill(engine, stored, size);
                Row row = measure(kind, engine, uri, stored);
                System.out.printf(Locale.ROOT, "%-9s %-6s %9d %10.0f %10.0f %10.2f %10.2f %10.2f %9s %9s %11s%n",
                                  kind, backend, stored, row.appendsPerSecond, row.concurrentAppendsPerSecond,
                                  row.loadMillis, row.idlePollMillis,
                                  row.batchPollMillis, row.lagP50, row.lagP99, row.replay);
                System.out.flush();
            }
        } finally {
            server.shutdownNow();
        }
    }

    /** Grows the store with aggregates of ten events, in commits of a thousand events. */
    private static long fill(EventStorageEngine engine, long stored, long target) {
        while (stored < target) {
            List<EventMessage<?>> commit = new ArrayList<>(1000);
            for (int i = 0; i < 1000 && stored < target; i++, stored++) {
                long aggregate = stored / EVENTS_PER_AGGREGATE;
                commit.add(event("fill-" + aggregate, stored % EVENTS_PER_AGGREGATE));
            }
            engine.appendEvents(commit);
        }
        return stored;
    }

    private static Row measure(String kind, EventStorageEngine engine, String uri, long stored) throws Exception {
        Row row = new Row();
        // Settle the heap after filling, so that a collection of the fill's garbage does not land in a measurement;
        // the first append round is a warm-up. Single-thread rounds vary widely on this shared virtual machine
        // (even a bare counter update does), hence eleven of them.
        System.gc();
        appendRound(engine);
        row.appendsPerSecond = median(11, TimeUnit.SECONDS.toNanos(8), () -> appendRound(engine));
        row.concurrentAppendsPerSecond = median(3, TimeUnit.SECONDS.toNanos(8), () -> concurrentAppendRound(engine));
        long aggregates = stored / EVENTS_PER_AGGREGATE;
        row.loadMillis = median(31, METRIC_CAP_NANOS, () -> timed(() -> engine.readEvents(
                "fill-" + ThreadLocalRandom.current().nextLong(aggregates)).asStream().count())) / 1e6;
        row.idlePollMillis = median(21, METRIC_CAP_NANOS, () -> {
            TrackingToken head = engine.createHeadToken();
            return timed(() -> engine.readEvents(head, false).findFirst().isPresent() ? 1 : 0);
        }) / 1e6;
        row.batchPollMillis = median(21, METRIC_CAP_NANOS, () -> timed(
                () -> engine.readEvents(null, false).limit(100).count())) / 1e6;
        row.replay = replay(engine, stored);
        long[] lag = lag(kind, engine, uri);
        row.lagP50 = lag[0] < 0 ? "none" : lag[0] + " ms";
        row.lagP99 = lag[1] < 0 ? "none" : lag[1] + " ms" + (lag[2] < LAG_RATE_PER_SECOND * LAG_SECONDS ? "*" : "");
        return row;
    }

    /** Appends single-event commits to new aggregates from one thread for 0.5 s; returns commits/s. */
    private static long appendRound(EventStorageEngine engine) {
        long start = System.nanoTime();
        int appended = 0;
        while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500)) {
            engine.appendEvents(event("append-" + fresh.incrementAndGet(), 0));
            appended++;
        }
        return (long) (appended * 1e9 / (System.nanoTime() - start));
    }

    /** Appends single-event commits to new aggregates from {@value #LAG_SENDERS} threads for 1 s; returns commits/s. */
    private static long concurrentAppendRound(EventStorageEngine engine) {
        ExecutorService writers = Executors.newFixedThreadPool(LAG_SENDERS);
        AtomicLong appended = new AtomicLong();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(1);
        for (int writer = 0; writer < LAG_SENDERS; writer++) {
            writers.submit(() -> {
                while (System.nanoTime() < end) {
                    engine.appendEvents(event("append-" + fresh.incrementAndGet(), 0));
                    appended.incrementAndGet();
                }
            });
        }
        writers.shutdown();
        try {
            writers.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        return (long) (appended.get() * 1e9 / (System.nanoTime() - start));
    }

    /** Reads the store from the tail for at most the cap; reports events/s and, if capped, how far it got. */
    private static String replay(EventStorageEngine engine, long stored) {
        long start = System.nanoTime();
        long[] read = {0};
        engine.readEvents(null, false)
              .takeWhile(event -> System.nanoTime() - start < METRIC_CAP_NANOS)
              .forEach(event -> read[0]++);
        double perSecond = read[0] * 1e9 / (System.nanoTime() - start);
        return read[0] < stored ? String.format(Locale.ROOT, "%.0f (%d)", perSecond, read[0])
                                : String.format(Locale.ROOT, "%.0f", perSecond);
    }

    /**
     * Starts a projection in a second JVM against the same server ({@link LagTracker}), then has
     * {@value #LAG_SENDERS} senders run commands (load an aggregate, append its next event) at
     * {@value #LAG_RATE_PER_SECOND}/s in total for {@value #LAG_SECONDS} s. Returns p50, p99, received.
     */
    private static long[] lag(String kind, EventStorageEngine engine, String uri) throws Exception {
        int expected = LAG_RATE_PER_SECOND * LAG_SECONDS;
        Process tracker = new ProcessBuilder(
                System.getProperty("java.home") + "/bin/java", "-Xmx1g", "-Daxoniq.update-checker.disabled=true",
                "-cp", System.getProperty("java.class.path"), LagTracker.class.getName(),
                uri, kind, Integer.toString(expected), Integer.toString(LAG_SECONDS + 20))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(tracker.getInputStream()));
        String line = out.readLine();
        if (!"READY".equals(line)) {
            tracker.destroyForcibly();
            return new long[]{-1, -1, 0};
        }
        ExecutorService senders = Executors.newFixedThreadPool(LAG_SENDERS);
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) * LAG_SENDERS / LAG_RATE_PER_SECOND;
        for (int sender = 0; sender < LAG_SENDERS; sender++) {
            senders.submit(() -> {
                long next = System.nanoTime();
                String prefix = "lag-" + fresh.incrementAndGet() + "-";
                for (int i = 0; i < expected / LAG_SENDERS; i++) {
                    // A command as the command side runs one: load the aggregate, then append its next event.
                    String aggregate = prefix + i / EVENTS_PER_AGGREGATE;
                    long loaded = engine.readEvents(aggregate).asStream().count();
                    engine.appendEvents(event(aggregate, loaded));
                    next += intervalNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                return null;
            });
        }
        senders.shutdown();
        senders.awaitTermination(60, TimeUnit.SECONDS);
        String result = out.readLine();
        tracker.waitFor(30, TimeUnit.SECONDS);
        tracker.destroyForcibly();
        if (result == null || !result.startsWith("LAG ")) {
            return new long[]{-1, -1, 0};
        }
        return Arrays.stream(result.substring(4).split(" ")).mapToLong(Long::parseLong).toArray();
    }

    private static long timed(LongSupplier work) {
        long start = System.nanoTime();
        work.getAsLong();
        return System.nanoTime() - start;
    }

    /** Median of up to {@code samples} runs, fewer when they exceed the time cap (at least one). */
    private static long median(int samples, long capNanos, LongSupplier sample) {
        List<Long> values = new ArrayList<>();
        long start = System.nanoTime();
        while (values.size() < samples && (values.isEmpty() || System.nanoTime() - start < capNanos)) {
            values.add(sample.getAsLong());
        }
        values.sort(Long::compare);
        return values.get(values.size() / 2);
    }

    private static EventMessage<?> event(String aggregate, long sequence) {
        return new GenericDomainEventMessage<>("Bench", aggregate, sequence,
                                               new Noted("benchmark event " + aggregate, sequence));
    }

    private static final class Row {
        double appendsPerSecond;
        double concurrentAppendsPerSecond;
        double loadMillis;
        double idlePollMillis;
        double batchPollMillis;
        String lagP50;
        String lagP99;
        String replay;
    }
}
