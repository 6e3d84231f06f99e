package io.opsplane.benchmarks;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Projection lag through the running system, across processes: clients send plan commands to the command side
 * (through the gateway) while a subscriber reads the query side's event stream; lag is the time from an event's
 * timestamp (stamped by the command side) to its arrival on the stream, which the query side serves from its event
 * log projection. Everything runs on one machine, so one clock. Prints figures; asserts nothing.
 * <p>
 * Arguments: base URL, admin key, then optionally commands/s (200), clients (8), seconds (10). The clients are
 * closed-loop (each waits for its answer), so they cannot offer more than {@code clients / latency}.
 */
public final class SystemLagBenchmark {

    private static final Pattern POSITION = Pattern.compile("\"position\"\\s*:\\s*(\\d+)");
    private static final Pattern TIMESTAMP = Pattern.compile("\"timestamp\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern KEY = Pattern.compile("\"key\"\\s*:\\s*\"([^\"]+)\"");
    private static final String PLAN = """
            {"tool":"tenant.onboard","mode":"plan","reason":"lag benchmark","input":{"tenantId":"bench-%d",\
            "companyName":"Bench %d","adminEmail":"ops+%d@example.com","priceId":"price_bench"}}""";

    private static final int WARM_UP_SECONDS = 30;
    private static final long STALL_MILLIS = 500;

    private SystemLagBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String adminKey = args[1];
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int clients = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        List<String> keys = new ArrayList<>();
        for (int client = 0; client < clients; client++) {
            keys.add(issueKey(http, base, adminKey, "lag-bench-" + client));
        }
        Map<Long, Long> arrivals = new ConcurrentHashMap<>();
        Map<Long, Long> lagByPosition = new ConcurrentHashMap<>();
        Thread subscriber = subscribe(http, base, keys.get(0), arrivals, lagByPosition);

        // Warm up at the offered rate before measuring, uncounted: on two cores, four freshly started JVMs spend their
        // first half minute compiling (the C2 compiler alone took ~15 s of CPU per side); with a 15 s warm-up, runs
        // at 100/s still showed stalls of 1-2 s, with 30 s none.
        send(http, base, keys, rate, clients, WARM_UP_SECONDS, new ConcurrentHashMap<>(), new AtomicLong(),
             new ArrayList<>());
        Map<Long, Long> sentPositions = new ConcurrentHashMap<>();
        AtomicLong failures = new AtomicLong();
        List<Long> latencies = new ArrayList<>();
        long started = System.nanoTime();
        send(http, base, keys, rate, clients, seconds, sentPositions, failures, latencies);
        double elapsed = (System.nanoTime() - started) / 1e9;

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!arrivals.keySet().containsAll(sentPositions.keySet()) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        subscriber.interrupt();
        List<Long> lags = new ArrayList<>();
        for (Long position : sentPositions.keySet()) {
            Long lag = lagByPosition.get(position);
            if (lag != null) {
                lags.add(lag);
            }
        }
        lags.sort(Long::compare);
        latencies.sort(Long::compare);
        System.out.printf("offered %d commands/s from %d clients for %d s: %d answered 200 in %.1f s (%.0f/s), "
                                  + "%d other answers%n", rate, clients, seconds, sentPositions.size(), elapsed,
                          sentPositions.size() / elapsed, failures.get());
        System.out.printf("command latency p50 %d ms, p99 %d ms%n", LagTracker.percentile(latencies, 50) / 1_000_000,
                          LagTracker.percentile(latencies, 99) / 1_000_000);
        System.out.printf("projection lag (event timestamp -> event stream) p50 %d ms, p99 %d ms, max %d ms; "
                                  + "%d of %d events arrived%n", LagTracker.percentile(lags, 50), LagTracker.percentile(lags, 99),
                          lags.isEmpty() ? -1 : lags.get(lags.size() - 1), lags.size(), sentPositions.size());
        printStalls(sentPositions.keySet(), arrivals, lagByPosition);
        System.exit(0);
    }

    /** Events that took over {@value #STALL_MILLIS} ms, grouped by second of their timestamp: when things stood. */
    private static void printStalls(Set<Long> positions, Map<Long, Long> arrivals, Map<Long, Long> lagByPosition) {
        java.util.TreeMap<Long, Long> worstBySecond = new java.util.TreeMap<>();
        for (Long position : positions) {
            Long lag = lagByPosition.get(position);
            if (lag != null && lag > STALL_MILLIS) {
                long stampedSecond = (arrivals.get(position) - lag) / 1000;
                worstBySecond.merge(stampedSecond, lag, Math::max);
            }
        }
        worstBySecond.forEach((second, lag) -> System.out.printf("stall: events stamped at %s waited up to %d ms%n",
                                                                 Instant.ofEpochSecond(second), lag));
    }

    private static String issueKey(HttpClient http, String base, String adminKey, String name) throws Exception {
        String body = """
                {"name":"%s","principal":"agent:%s","kind":"agent","owner":"bench@example.com",\
                "scopes":["tools:plan","logs:read"],"rateLimit":{"perMinute":60000,"burst":1000}}""".formatted(name,
                                                                                                     name);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/api-keys"))
                                                          .header("Authorization", "Bearer " + adminKey)
                                                          .header("Content-Type", "application/json")
                                                          .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                                  HttpResponse.BodyHandlers.ofString());
        Matcher key = KEY.matcher(response.body());
        if (response.statusCode() != 201 || !key.find()) {
            throw new IllegalStateException("issuing a key answered " + response.statusCode() + ": "
                                                    + response.body());
        }
        return key.group(1);
    }

    /** Reads {@code execution.planned} events from the stream, recording each one's lag by position. */
    private static Thread subscribe(HttpClient http, String base, String key, Map<Long, Long> arrivals,
                                    Map<Long, Long> lagByPosition) throws Exception {
        HttpResponse<InputStream> response = http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/events/stream?type=execution.planned"))
                           .header("Authorization", "Bearer " + key)
                           .header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the event stream answered " + response.statusCode());
        }
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while (!Thread.currentThread().isInterrupted() && (line = lines.readLine()) != null) {
                    if (!line.startsWith("data:")) {
                        continue;
                    }
                    long now = System.currentTimeMillis();
                    Matcher position = POSITION.matcher(line);
                    Matcher timestamp = TIMESTAMP.matcher(line);
                    if (position.find() && timestamp.find()) {
                        long at = Long.parseLong(position.group(1));
                        arrivals.put(at, now);
                        lagByPosition.put(at, now - Instant.parse(timestamp.group(1)).toEpochMilli());
                    }
                }
            } catch (Exception stopped) {
                // The run is over or the stream closed; what arrived is counted.
            }
        }, "event-stream-reader");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    /** Each client sends plans at {@code rate / clients} per second, paced, for {@code seconds}. */
    private static void send(HttpClient http, String base, List<String> keys, int rate, int clients, int seconds,
                             Map<Long, Long> positions, AtomicLong failures, List<Long> latencies)
            throws InterruptedException {
        ExecutorService senders = Executors.newFixedThreadPool(clients);
        long interval = TimeUnit.SECONDS.toNanos(1) * clients / rate;
        int perClient = rate * seconds / clients;
        AtomicLong ids = new AtomicLong(System.currentTimeMillis());
        for (int client = 0; client < clients; client++) {
            String key = keys.get(client);
            senders.submit(() -> {
                long next = System.nanoTime();
                for (int i = 0; i < perClient; i++) {
                    long id = ids.incrementAndGet();
                    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/executions"))
                            .header("Authorization", "Bearer " + key)
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString(PLAN.formatted(id, id, id))).build();
                    long start = System.nanoTime();
                    try {
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - start;
                        Matcher position = POSITION.matcher(response.body());
                        if (response.statusCode() == 200 && position.find()) {
                            positions.put(Long.parseLong(position.group(1)), took);
                            synchronized (latencies) {
                                latencies.add(took);
                            }
                        } else {
                            failures.incrementAndGet();
                        }
                    } catch (Exception failed) {
                        failures.incrementAndGet();
                    }
                    next += interval;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                return null;
            });
        }
        senders.shutdown();
        senders.awaitTermination(seconds + 120L, TimeUnit.SECONDS);
    }
}
