package io.opsplane.benchmarks;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Executions end to end through the base URL of a running system: real {@code service.healthcheck} executions
 * against a target this benchmark serves itself on 127.0.0.1 (it answers after about 1 ms), from one client and from
 * many, after a warm-up; then plans, and requests refused with 401. Reports p50/p99, requests/s, the plane's own
 * time per execution (the answer's latency minus the tool's own {@code latencyMs}), and the store commands each
 * execution and plan cost, read from both sides' {@code opsplane_store_commands_total} on
 * {@code /actuator/prometheus}, per side (everything each sent meanwhile, background work included). Prints
 * figures; asserts nothing. Every phase is bounded in requests and in time, so the run stops by itself.
 * <p>
 * Arguments: base URL, admin key, command-side URL, query-side URL, then optionally clients for the loaded phases
 * (16), requests per phase (2000) and warm-up seconds (30). With {@code -Dbench.pids=store:123,command:456,...}
 * (Linux) it also reports the CPU time each of those processes spent per request, read from {@code /proc}: on a
 * machine shared with other work that is steadier than latency, which waits for the CPU as well; and the warm-up
 * goes on until those processes' JIT compilers are quiet.
 */
public final class ExecutionsBenchmark {

    private static final Pattern KEY = Pattern.compile("\"key\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TOOL_LATENCY = Pattern.compile("\"latencyMs\"\\s*:\\s*(\\d+)");
    private static final Pattern CREATED_AT = Pattern.compile("\"createdAt\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern STARTED_AT = Pattern.compile("\"startedAt\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern FINISHED_AT = Pattern.compile("\"finishedAt\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern POSITION = Pattern.compile("\"position\"\\s*:\\s*(\\d+)");
    private static final Pattern EXECUTIONS_COUNTED = Pattern.compile("\"executions\"\\s*:\\s*(\\d+)");
    private static final Pattern STORE_COMMANDS = Pattern.compile(
            "^opsplane_store_commands_total\\{[^}]*}\\s+([0-9.eE+]+)", Pattern.MULTILINE);
    private static final String PLAN = """
            {"tool":"tenant.onboard","mode":"plan","reason":"executions benchmark","input":{"tenantId":"bench-%d",\
            "companyName":"Bench %d","adminEmail":"ops+%d@example.com","priceId":"price_bench"}}""";
    private static final int PHASE_SECONDS = 60;
    private static final int SETTLE_SECONDS = 30;
    /** Below this share of one core the system counts as idle between phases (its pollers and timers use 20-25 %). */
    private static final int IDLE_PERCENT = 35;
    /** The warm-up ends once the JIT compilers use less than this share of one core over a round. */
    private static final int JIT_QUIET_PERCENT = 10;
    private static final int JIT_ROUND_SECONDS = 5;
    /** At most this much warm-up beyond the fixed one, however busy the compilers stay. */
    private static final int JIT_WARM_UP_SECONDS = 300;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String commandSide;
    private final String querySide;
    private final AtomicLong ids = new AtomicLong(System.currentTimeMillis());
    /** The highest event position any answer named so far. */
    private final AtomicLong lastPosition = new AtomicLong(-1);
    /** A key with {@code metrics:read}, for {@code /actuator/prometheus}. */
    private String metricsKey;

    private ExecutionsBenchmark(String base, String commandSide, String querySide) {
        this.base = base;
        this.commandSide = commandSide;
        this.querySide = querySide;
    }

    /** One phase's answers: total latencies, the tool's own part, and what went wrong. */
    private record Result(List<Long> nanos, List<Long> toolMillis, List<long[]> parts, long unexpected,
                          String firstUnexpected, Instant from, double seconds, long commandSideStore,
                          long querySideStore, Map<String, Long> cpuMillis, Map<String, Long> threadCpuMillis) {
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 4 ? Integer.parseInt(args[4]) : 16;
        int requests = args.length > 5 ? Integer.parseInt(args[5]) : 2000;
        int warmUpSeconds = args.length > 6 ? Integer.parseInt(args[6]) : 30;
        // The target answers in two writes like any small server; without this the JDK server waits for the
        // client's delayed ACK (~40 ms) and the tool, not the plane, would dominate.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        target.setExecutor(Executors.newFixedThreadPool(8));
        target.createContext("/health", exchange -> {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        target.start();
        String url = "http://127.0.0.1:" + target.getAddress().getPort() + "/health";
        String execution = """
                {"tool":"service.healthcheck","reason":"executions benchmark","input":{"url":"%s"}}""".formatted(url);

        ExecutionsBenchmark bench = new ExecutionsBenchmark(args[0], args[2], args[3]);
        String key = bench.issueKey(args[1]);
        bench.metricsKey = key;
        System.out.printf("target %s; %d clients, %d requests per phase (at most %d s each), warm-up %d s%n", url,
                          clients, requests, PHASE_SECONDS, warmUpSeconds);

        IntFunction<HttpRequest> executeRequest = i -> bench.post("/v1/executions?wait=10", key, execution);
        IntFunction<HttpRequest> planRequest = i -> {
            long id = bench.ids.incrementAndGet();
            return bench.post("/v1/executions", key, PLAN.formatted(id, id, id));
        };
        IntFunction<HttpRequest> refusedRequest = i -> bench.post("/v1/executions", "ops_not_a_key", execution);

        // Uncounted: a freshly started JVM spends its first minutes compiling the hot path.
        bench.run("warm-up", executeRequest, 200, clients, Integer.MAX_VALUE, warmUpSeconds);
        warmUntilTheJitIsQuiet(bench, executeRequest, planRequest, clients);
        bench.run("warm-up", planRequest, 200, clients, Integer.MAX_VALUE, Math.max(1, warmUpSeconds / 3));
        bench.run("warm-up", refusedRequest, 401, clients, Integer.MAX_VALUE, Math.max(1, warmUpSeconds / 6));

        report("executions, 1 client", bench.run("execute", executeRequest, 200, 1, requests / 4, PHASE_SECONDS));
        long countedBefore = bench.countedExecutions(bench.lastPosition.get());
        Result burst = bench.run("execute", executeRequest, 200, clients, requests, PHASE_SECONDS);
        long burstEnded = System.nanoTime();
        report("executions, " + clients + " clients", burst);
        // The read side's side of the same burst: how long after its last answer the metrics count every execution.
        long counted = bench.countedExecutions(bench.lastPosition.get()) - countedBefore;
        System.out.printf("%-28s read side counted %d of the %d executions %.1f s after the burst ended%n", "",
                          counted, burst.nanos().size(), (System.nanoTime() - burstEnded) / 1e9);
        report("plans, 1 client", bench.run("plan", planRequest, 200, 1, requests / 4, PHASE_SECONDS));
        report("plans, " + clients + " clients", bench.run("plan", planRequest, 200, clients, requests, PHASE_SECONDS));
        report("refused (401), 1 client", bench.run("refuse", refusedRequest, 401, 1, requests / 4, PHASE_SECONDS));
        report("refused (401), " + clients + " clients",
               bench.run("refuse", refusedRequest, 401, clients, requests, PHASE_SECONDS));
        target.stop(0);
        System.exit(0);
    }

    /**
     * The executions the metrics count in the last hour once the query side has projected {@code position}:
     * asks with {@code minPosition} until the answer is not {@code 503 projection_behind}.
     */
    private long countedExecutions(long position) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create(base + "/v1/metrics?window=1h&minPosition=" + position))
                    .header("Authorization", "Bearer " + metricsKey).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                Matcher executions = EXECUTIONS_COUNTED.matcher(response.body());
                if (!executions.find()) {
                    throw new IllegalStateException("metrics without totals.executions: " + response.body());
                }
                return Long.parseLong(executions.group(1));
            }
            if (response.statusCode() != 503) {
                throw new IllegalStateException("metrics answered " + response.statusCode() + ": " + response.body());
            }
        }
        throw new IllegalStateException("the read side did not reach position " + position + " within 10 minutes");
    }

    private HttpRequest post(String path, String key, String body) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private String issueKey(String adminKey) throws Exception {
        String body = """
                {"name":"executions-bench","principal":"agent:executions-bench","kind":"agent",\
                "owner":"bench@example.com","scopes":["tools:execute","tools:plan","metrics:read"],\
                "rateLimit":{"perMinute":6000000,"burst":100000}}""";
        HttpResponse<String> response = http.send(post("/v1/api-keys", adminKey, body),
                                                  HttpResponse.BodyHandlers.ofString());
        Matcher key = KEY.matcher(response.body());
        if (response.statusCode() != 201 || !key.find()) {
            throw new IllegalStateException("issuing a key answered " + response.statusCode() + ": " + response.body());
        }
        String issued = key.group(1);
        // The key is usable once the command side's credential projection has it.
        for (int attempt = 0; attempt < 200; attempt++) {
            HttpResponse<String> probe = http.send(post("/v1/executions", issued, PLAN.formatted(0, 0, 0)),
                                                   HttpResponse.BodyHandlers.ofString());
            if (probe.statusCode() != 401) {
                return issued;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new IllegalStateException("the issued key was never accepted");
    }

    /**
     * Closed-loop clients (each waits for its answer) send {@code requests} requests in all, or for {@code seconds},
     * whichever ends first.
     */
    private Result run(String name, IntFunction<HttpRequest> request, int expected, int clients, int requests,
                       int seconds) throws Exception {
        if (!name.equals("warm-up")) {
            settle();
        }
        List<Long> nanos = new ArrayList<>();
        List<Long> toolMillis = new ArrayList<>();
        List<long[]> parts = new ArrayList<>();
        AtomicLong unexpected = new AtomicLong();
        String[] firstUnexpected = {null};
        AtomicLong sent = new AtomicLong();
        Map<String, Long> cpuBefore = cpuMillis();
        Map<String, Long> threadsBefore = threadCpuMillis();
        long commandBefore = storeCommands(commandSide);
        long queryBefore = storeCommands(querySide);
        Instant from = Instant.now();
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService senders = Executors.newFixedThreadPool(clients);
        for (int client = 0; client < clients; client++) {
            senders.submit(() -> {
                long i;
                while ((i = sent.getAndIncrement()) < requests && System.nanoTime() < deadline) {
                    long start = System.nanoTime();
                    long sentAt = System.currentTimeMillis();
                    try {
                        HttpResponse<String> response = http.send(request.apply((int) i),
                                                                  HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - start;
                        long answeredAt = System.currentTimeMillis();
                        Matcher position = POSITION.matcher(response.body());
                        while (position.find()) {
                            long at = Long.parseLong(position.group(1));
                            lastPosition.accumulateAndGet(at, Math::max);
                        }
                        Matcher status = STATUS.matcher(response.body());
                        boolean ok = response.statusCode() == expected && (expected != 200 || status.find()
                                && (status.group(1).equals("succeeded") || status.group(1).equals("planned")));
                        synchronized (nanos) {
                            if (ok) {
                                nanos.add(took);
                                Matcher tool = TOOL_LATENCY.matcher(response.body());
                                if (tool.find()) {
                                    toolMillis.add(Long.parseLong(tool.group(1)));
                                }
                                long[] split = parts(response.body(), sentAt, answeredAt);
                                if (split != null) {
                                    parts.add(split);
                                }
                            } else {
                                unexpected.incrementAndGet();
                                if (firstUnexpected[0] == null) {
                                    firstUnexpected[0] = response.statusCode() + " " + response.body();
                                }
                            }
                        }
                    } catch (Exception failed) {
                        synchronized (nanos) {
                            unexpected.incrementAndGet();
                            if (firstUnexpected[0] == null) {
                                firstUnexpected[0] = failed.toString();
                            }
                        }
                    }
                }
                return null;
            });
        }
        senders.shutdown();
        if (!senders.awaitTermination(seconds + 60L, TimeUnit.SECONDS)) {
            senders.shutdownNow();
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        Map<String, Long> cpu = new LinkedHashMap<>();
        cpuMillis().forEach((process, millis) -> cpu.put(process, millis - cpuBefore.getOrDefault(process, 0L)));
        Map<String, Long> threads = new LinkedHashMap<>();
        threadCpuMillis().forEach((thread, millis) -> threads.put(thread, millis - threadsBefore.getOrDefault(thread, 0L)));
        return new Result(nanos, toolMillis, parts, unexpected.get(), firstUnexpected[0], from, elapsed,
                          storeCommands(commandSide) - commandBefore, storeCommands(querySide) - queryBefore, cpu,
                          threads);
    }

    private static void report(String phase, Result result) {
        List<Long> sorted = new ArrayList<>(result.nanos());
        sorted.sort(Long::compare);
        List<Long> tool = new ArrayList<>(result.toolMillis());
        tool.sort(Long::compare);
        int ok = sorted.size();
        System.out.printf("%-28s %6d ok in %5.1f s = %7.1f/s   p50 %6.1f ms  p99 %6.1f ms", phase, ok,
                          result.seconds(), ok / result.seconds(), millis(percentile(sorted, 50)),
                          millis(percentile(sorted, 99)));
        if (!tool.isEmpty()) {
            System.out.printf("   tool p50 %d ms", percentile(tool, 50));
        }
        if (result.commandSideStore() >= 0 && result.querySideStore() >= 0 && ok > 0) {
            System.out.printf("   store commands per request: command side %.1f, query side %.1f",
                              (double) result.commandSideStore() / ok, (double) result.querySideStore() / ok);
        }
        System.out.println();
        // The phase's wall-clock window (UTC), to cut a profile of the whole run (PROFILE=1) down to this phase.
        System.out.printf("%-28s from %s to %s%n", "", result.from(),
                          result.from().plusNanos((long) (result.seconds() * 1e9)));
        if (!result.parts().isEmpty()) {
            String[] names = {"accepted (sent → requested event)", "to start", "run (started → finished event)",
                "answer (finished event → answer)"};
            StringBuilder where = new StringBuilder();
            for (int part = 0; part < names.length; part++) {
                int index = part;
                List<Long> values = new ArrayList<>(result.parts().stream().map(split -> split[index]).toList());
                values.sort(Long::compare);
                where.append(String.format("%s %d", names[part], percentile(values, 50)))
                        .append(part < names.length - 1 ? ", " : "");
            }
            System.out.printf("%-28s where the time goes, p50 ms (event times, one clock): %s%n", "", where);
        }
        if (!result.cpuMillis().isEmpty() && ok > 0) {
            StringBuilder cpu = new StringBuilder();
            long total = 0;
            for (Map.Entry<String, Long> process : result.cpuMillis().entrySet()) {
                cpu.append(String.format(" %s %.2f", process.getKey(), (double) process.getValue() / ok));
                total += process.getValue();
            }
            System.out.printf("%-28s CPU ms per request:%s, all %.2f%n", "", cpu, (double) total / ok);
        }
        if (!result.threadCpuMillis().isEmpty() && ok > 0) {
            StringBuilder threads = new StringBuilder();
            result.threadCpuMillis().entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(10)
                    .forEach(thread -> threads.append(String.format("%s %.2f; ", thread.getKey(),
                            (double) thread.getValue() / ok)));
            System.out.printf("%-28s by thread (Linux's 15-character names, numbers left out): %s%n", "", threads);
        }
        if (result.unexpected() > 0) {
            System.out.printf("%-28s %6d unexpected answers, the first: %s%n", "", result.unexpected(),
                              abbreviate(result.firstUnexpected()));
        }
    }

    /**
     * An execution's time split by the times its events carry (the machine's one clock): sent → {@code createdAt}
     * (the request accepted and its first event stamped), → {@code startedAt}, → {@code finishedAt} (the tool's
     * run), → the answer received. Null for an answer without all three (a plan).
     */
    private static long[] parts(String body, long sentAt, long answeredAt) {
        Matcher created = CREATED_AT.matcher(body);
        Matcher started = STARTED_AT.matcher(body);
        Matcher finished = FINISHED_AT.matcher(body);
        if (!created.find() || !started.find() || !finished.find()) {
            return null;
        }
        long createdAt = Instant.parse(created.group(1)).toEpochMilli();
        long startedAt = Instant.parse(started.group(1)).toEpochMilli();
        long finishedAt = Instant.parse(finished.group(1)).toEpochMilli();
        return new long[] {createdAt - sentAt, startedAt - createdAt, finishedAt - startedAt, answeredAt - finishedAt};
    }

    private static long percentile(List<Long> sorted, int percent) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * percent / 100.0) - 1));
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    /**
     * Goes on in rounds of {@value #JIT_ROUND_SECONDS} s of each shape of load the phases measure (executions from
     * {@code clients} clients and from one, plans from both) until the system's JIT compilers used less than
     * {@value #JIT_QUIET_PERCENT} % of one core over a round, or for at most {@value #JIT_WARM_UP_SECONDS} s: on two
     * cores the compilers of one JVM holding store and both sides take a third of the CPU for the first minutes of
     * load, and a warm-up of one shape left them compiling through the next (at one client after a warm-up at 16, the
     * compilers used 12 of the 38 CPU ms of an execution). Prints what it did. Without {@code bench.pids} (or off
     * Linux) it does nothing.
     */
    private static void warmUntilTheJitIsQuiet(ExecutionsBenchmark bench, IntFunction<HttpRequest> execute,
                                               IntFunction<HttpRequest> plan, int clients) throws Exception {
        if (jitMillis() < 0) {
            return;
        }
        long started = System.nanoTime();
        long compiling = Long.MAX_VALUE;
        int shapes = 4;
        while (compiling >= 10L * JIT_QUIET_PERCENT * JIT_ROUND_SECONDS * shapes
               && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(JIT_WARM_UP_SECONDS)) {
            long before = jitMillis();
            bench.run("warm-up", execute, 200, clients, Integer.MAX_VALUE, JIT_ROUND_SECONDS);
            bench.run("warm-up", execute, 200, 1, Integer.MAX_VALUE, JIT_ROUND_SECONDS);
            bench.run("warm-up", plan, 200, clients, Integer.MAX_VALUE, JIT_ROUND_SECONDS);
            bench.run("warm-up", plan, 200, 1, Integer.MAX_VALUE, JIT_ROUND_SECONDS);
            compiling = jitMillis() - before;
        }
        System.out.printf("%-28s (warm-up went on %.0f s more; the JIT compilers then used %.0f %% of a core)%n", "",
                          (System.nanoTime() - started) / 1e9, compiling / (10.0 * JIT_ROUND_SECONDS * shapes));
    }

    /**
     * CPU time of the JIT compiler threads ({@code C1}/{@code C2 CompilerThread}) of the processes in
     * {@code bench.pids} so far, in ms; -1 when there is none to read (no {@code bench.pids}, or not Linux).
     */
    private static long jitMillis() {
        Map<String, Long> threads = threadCpuMillis();
        // The kernel keeps 15 characters of a name, "C2 CompilerThre"; threadCpuMillis leaves out the digits.
        return threads.isEmpty() ? -1 : threads.getOrDefault("C CompilerThre", 0L);
    }

    /** User and system CPU of a {@code /proc/.../stat} line, in clock ticks (100 per second on Linux). */
    private static long ticks(String stat) {
        // Fields after the command name, which is in parentheses and may hold spaces: utime is the 14th field of
        // the line, stime the 15th.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    /**
     * Waits, at most {@value #SETTLE_SECONDS} s, until the system's processes use less than {@value #IDLE_PERCENT} %
     * of one core over a second, so that a phase is not charged the tail of the one before (the read side working
     * off a burst, the store's housekeeping) and does not wait for a core behind it. The system's own idle work
     * (pollers, timers) stays. Prints how long it waited.
     */
    private static void settle() throws InterruptedException {
        if (cpuMillis().isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
        long before = cpuMillis().values().stream().mapToLong(Long::longValue).sum();
        boolean idle = false;
        while (!idle && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            long now = cpuMillis().values().stream().mapToLong(Long::longValue).sum();
            idle = now - before < 10L * IDLE_PERCENT;
            before = now;
        }
        System.out.printf("%-28s (%s after %.1f s)%n", "", idle ? "system idle" : "system still busy",
                          (System.nanoTime() - started) / 1e9);
    }

    /** CPU time (user + system) of each process named in {@code bench.pids} so far, in ms; empty without it. */
    private static Map<String, Long> cpuMillis() {
        Map<String, Long> cpu = new LinkedHashMap<>();
        pids().forEach((name, pid) -> {
            try {
                cpu.put(name, ticks(Files.readString(Path.of("/proc", pid, "stat"))) * 10);
            } catch (IOException | RuntimeException e) {
                // the process is gone, or this is not Linux: leave it out
            }
        });
        return cpu;
    }

    /**
     * The CPU time each kind of thread of the system's processes used so far, in ms: threads named alike (the numbers
     * in a name left out: {@code http-nio-18380-exec-7} and {@code -exec-9} are one kind) summed, JIT compilers and
     * the garbage collector included, which a JFR profile does not sample. Empty where there is no {@code /proc}.
     */
    private static Map<String, Long> threadCpuMillis() {
        Map<String, Long> cpu = new LinkedHashMap<>();
        pids().values().forEach(pid -> {
            try (var tasks = Files.list(Path.of("/proc", pid, "task"))) {
                tasks.forEach(task -> {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                                .replaceAll("[0-9]+", "");
                        cpu.merge(name, ticks(stat) * 10, Long::sum);
                    } catch (IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                });
            } catch (IOException | RuntimeException e) {
                // the process is gone, or this is not Linux: leave it out
            }
        });
        return cpu;
    }

    /** The system's processes, by name, from {@code -Dbench.pids=name:pid,...}. */
    private static Map<String, String> pids() {
        Map<String, String> pids = new LinkedHashMap<>();
        for (String entry : System.getProperty("bench.pids", "").split(",")) {
            String[] nameAndPid = entry.split(":");
            if (nameAndPid.length == 2) {
                pids.put(nameAndPid[0].trim(), nameAndPid[1].trim());
            }
        }
        return pids;
    }

    /**
     * A side's store commands so far (everything it sent, background work included), or -1 when it does not
     * expose them.
     */
    private long storeCommands(String side) {
        try {
            HttpResponse<String> metrics = http.send(
                    HttpRequest.newBuilder(URI.create(side + "/actuator/prometheus")).GET()
                            .header("Authorization", "Bearer " + metricsKey)
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher counter = STORE_COMMANDS.matcher(metrics.body());
            long sum = 0;
            boolean any = false;
            while (counter.find()) {
                sum += (long) Double.parseDouble(counter.group(1));
                any = true;
            }
            return any ? sum : -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }
}
