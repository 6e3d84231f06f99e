package io.opsplane.benchmarks;

import io.opsplane.command.CommandSideApplication;
import io.opsplane.localrun.EmbeddedStore;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A 10x burst on one API key spread over two command-side instances sharing one store: how many
 * requests get through against how many the token bucket allows, and whether any gets a 5xx.
 * Prints figures; asserts nothing. Arguments: perMinute burst seconds senders (default 600 60 20 32).
 *
 * <p>The offered load is the key's whole burst at once, then ten times its refill rate for the run,
 * alternating between the two instances. The bucket allows at most {@code burst + perMinute x elapsed / 60}.
 */
public final class RateLimitBenchmark {

    private RateLimitBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int perMinute = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        int burst = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int senders = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        Path dataDir = Files.createTempDirectory("opsplane-ratelimit-bench");
        try (EmbeddedStore store = EmbeddedStore.inMemory()) {
            String uri = "--spring.mongodb.uri=" + store.connectionString() + "/opsplane";
            ConfigurableApplicationContext first = CommandSideApplication.builder()
                    .run("--server.port=0", uri, "--opsplane.data-dir=" + dataDir, "--logging.level.root=WARN");
            ConfigurableApplicationContext second = CommandSideApplication.builder()
                    .run("--server.port=0", uri, "--opsplane.data-dir=" + dataDir, "--logging.level.root=WARN");
            try {
                run(List.of(base(first), base(second)), Files.readString(dataDir.resolve("admin-key")).trim(),
                        perMinute, burst, seconds, senders);
            } finally {
                second.close();
                first.close();
            }
        }
        System.exit(0);
    }

    private static void run(List<String> instances, String adminKey, int perMinute, int burst, int seconds,
                            int senders) throws Exception {
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(senders)).build();
        String issued = send(http, instances.get(0) + "/v1/api-keys", adminKey,
                "{\"name\":\"bench\",\"principal\":\"agent:bench\",\"kind\":\"agent\",\"owner\":\"bench@example.com\","
                        + "\"scopes\":[\"tools:execute\"],\"rateLimit\":{\"perMinute\":" + perMinute + ",\"burst\":"
                        + burst + "}}").body();
        String key = issued.replaceAll(".*\"key\":\"([^\"]+)\".*", "$1");
        for (String instance : instances) {
            while (send(http, instance + "/v1/no-such-route", key, "{}").statusCode() == 401) {
                Thread.sleep(20);
            }
        }
        // Let the two probes above refill, so the run starts from a full bucket.
        Thread.sleep(Math.max(1_000, 2 * 60_000L / perMinute));

        double offeredPerSecond = 10.0 * perMinute / 60.0;
        long total = burst + (long) (offeredPerSecond * seconds);
        AtomicLong admitted = new AtomicLong();
        AtomicLong limited = new AtomicLong();
        AtomicLong serverErrors = new AtomicLong();
        AtomicLong other = new AtomicLong();
        AtomicLongArray latencies = new AtomicLongArray((int) total);
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            int n = i;
            long dueNanos = i < burst ? 0 : (long) ((i - burst) / offeredPerSecond * 1e9);
            pool.execute(() -> {
                long wait = start + dueNanos - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                long sent = System.nanoTime();
                try {
                    // An unknown tool: admitted requests answer 404 at once, so the limiter is what is measured.
                    int status = send(http, instances.get(n % 2) + "/v1/executions", key,
                            "{\"tool\":\"bench.none\",\"mode\":\"plan\"}").statusCode();
                    if (status == 429) {
                        limited.incrementAndGet();
                    } else if (status >= 500) {
                        serverErrors.incrementAndGet();
                    } else if (status == 404) {
                        admitted.incrementAndGet();
                    } else {
                        other.incrementAndGet();
                    }
                } catch (Exception e) {
                    serverErrors.incrementAndGet();
                }
                latencies.set(n, System.nanoTime() - sent);
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds * 10L + 60, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        double allowed = burst + perMinute * elapsed / 60.0;
        long[] sorted = new long[(int) total];
        for (int i = 0; i < total; i++) {
            sorted[i] = latencies.get(i);
        }
        Arrays.sort(sorted);
        System.out.printf("limit %d/min burst %d, offered %d requests (burst, then %.0f/s) over %.1f s from %d senders"
                        + " on 2 instances%n", perMinute, burst, total, offeredPerSecond, elapsed, senders);
        System.out.printf("admitted %d, bucket allows at most %.1f -> over-admission %.2f%% of the limit;"
                        + " 429: %d, 5xx or transport errors: %d, other: %d%n", admitted.get(), allowed,
                Math.max(0, admitted.get() - allowed) * 100.0 / allowed, limited.get(), serverErrors.get(), other.get());
        System.out.printf("latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", sorted[sorted.length / 2] / 1e6,
                sorted[(int) (sorted.length * 0.99)] / 1e6, sorted[sorted.length - 1] / 1e6);
    }

    private static String base(ConfigurableApplicationContext context) {
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    private static HttpResponse<String> send(HttpClient http, String url, String key, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
