package io.opsplane.benchmarks;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.apikey.ApiKeyIssuedEvent;
import io.opsplane.api.apikey.Scope;
import io.opsplane.api.approval.ApprovalRequestedEvent;
import io.opsplane.api.approval.RequestApprovedEvent;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.execution.ExecutionError;
import io.opsplane.api.execution.ExecutionFailedEvent;
import io.opsplane.api.execution.ExecutionPlannedEvent;
import io.opsplane.api.execution.ExecutionRequestedEvent;
import io.opsplane.api.execution.ExecutionStartedEvent;
import io.opsplane.api.execution.ExecutionSucceededEvent;
import io.opsplane.api.execution.Plan;
import io.opsplane.api.execution.ToolRef;
import io.opsplane.localrun.EmbeddedStore;
import io.opsplane.platform.auth.ApiKeyCredential;
import io.opsplane.platform.auth.ApiKeySecrets;
import io.opsplane.platform.auth.CredentialStore;
import io.opsplane.platform.auth.KeyPepper;
import io.opsplane.platform.store.EventPositions;
import io.opsplane.query.QuerySideApplication;
import io.opsplane.query.consistency.ProjectionProgress;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Grows one system to each size in turn (default 10k, 100k and 1M executions) and, at each, reports how fast the
 * query side projected the growth and what the list, filter, lookup, approval and metrics reads cost. Executions
 * are appended through the query side's own event store engine, as the command side would record them (three
 * events for most, one for a plan, a failure in twenty); the query side's processors project them themselves.
 * Prints figures; asserts nothing. Arguments: sizes in executions.
 */
public final class ReadSideScaleBenchmark {

    private static final String[] TOOLS = {"service.healthcheck", "billing.refund", "tenant.onboard", "email.send",
            "calendar.event.create"};
    private static final Actor[] ACTORS = {
            new Actor("key-alice", "alice@example.com", ActorKind.HUMAN, null),
            new Actor("key-bob", "bob@example.com", ActorKind.HUMAN, null),
            new Actor("key-bot", "agent:deploy-bot", ActorKind.AGENT, "alice@example.com"),
            new Actor("key-ci", "agent:ci", ActorKind.AGENT, "bob@example.com")};
    private static final int EXECUTIONS_PER_COMMIT = 100;
    private static final int ROUNDS = 31;

    private final ConfigurableApplicationContext context;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String key;
    private int seeded;
    private Instant markFrom;
    private Instant markTo;

    private ReadSideScaleBenchmark(ConfigurableApplicationContext context) {
        this.context = context;
        this.base = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
        this.key = issueKey();
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0 ? new int[] {10_000, 100_000, 1_000_000}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        Path dataDir = Files.createTempDirectory("opsplane-readside-bench");
        // In memory by default; -Dbench.store=disk keeps the store in a file as ./opsplane run does, for sizes whose
        // events and read models do not fit in the heap.
        boolean onDisk = "disk".equals(System.getProperty("bench.store", "memory"));
        System.out.printf("store: %s%n", onDisk ? "on disk in " + dataDir : "in memory");
        try (EmbeddedStore store = onDisk ? EmbeddedStore.onDisk(dataDir, 0) : EmbeddedStore.inMemory()) {
            ConfigurableApplicationContext context = QuerySideApplication.builder().run("--server.port=0",
                    "--spring.mongodb.uri=" + store.connectionString("opsplane"),
                    "--opsplane.data-dir=" + dataDir, "--logging.level.root=WARN",
                    "--logging.level.org.axonframework.messaging.timeout=ERROR",
                    "--opsplane.rate-limit.per-minute=100000000", "--opsplane.rate-limit.burst=100000000");
            try {
                ReadSideScaleBenchmark benchmark = new ReadSideScaleBenchmark(context);
                System.out.println("| executions | events | projected ev/s | catch-up after seeding | load (1 min) |"
                        + " list 50 | page 3 | tool= | status=failed | actor= | mode=plan | 4 filters | since/until"
                        + " | one | approvals | inbox | metrics 15m | metrics 24h | event log | one's events |");
                System.out.println("|" + "---:|".repeat(21));
                for (int size : sizes) {
                    benchmark.growTo(size);
                }
            } finally {
                context.close();
            }
        }
        System.exit(0);
    }

    private void growTo(int size) throws Exception {
        EventStore events = context.getBean(EventStore.class);
        long headBefore = head(events);
        long started = System.nanoTime();
        List<EventMessage<?>> commit = new ArrayList<>();
        int from = seeded;
        for (int i = from; i < size; i++) {
            if (i == from + (size - from) / 2) {
                markFrom = Instant.now();
            }
            addExecution(commit, i);
            if (i % 100 == 0) {
                addApproval(commit, i);
            }
            if (commit.size() >= 3 * EXECUTIONS_PER_COMMIT) {
                events.publish(commit);
                commit = new ArrayList<>();
            }
            if (i == from + (size - from) / 2 + 200) {
                markTo = Instant.now();
            }
        }
        if (!commit.isEmpty()) {
            events.publish(commit);
        }
        seeded = size;
        long head = head(events);
        long seededAt = System.nanoTime();
        Map<String, Double> processorsDone = awaitProjected(head);
        long caughtUp = System.nanoTime();
        double projectedPerSecond = (head - headBefore) / ((caughtUp - started) / 1e9);

        Map<String, String> reads = new LinkedHashMap<>();
        reads.put("list", "/v1/executions?limit=50");
        reads.put("page3", "/v1/executions?limit=50&cursor=" + cursorOfPage("/v1/executions?limit=50", 3));
        reads.put("tool", "/v1/executions?limit=50&tool=billing.refund");
        reads.put("failed", "/v1/executions?limit=50&status=failed");
        reads.put("actor", "/v1/executions?limit=50&actor=" + encode("agent:deploy-bot"));
        reads.put("plan", "/v1/executions?limit=50&mode=plan");
        reads.put("four", "/v1/executions?limit=50&tool=tenant.onboard&status=succeeded&mode=execute&actor="
                + encode("bob@example.com"));
        reads.put("window", "/v1/executions?limit=50&since=" + markFrom + "&until=" + markTo);
        reads.put("one", "/v1/executions/ex-" + (size / 3));
        reads.put("approvals", "/v1/approval-requests?limit=50");
        reads.put("inbox", "/v1/approval-requests?limit=50&status=pending");
        reads.put("m15", "/v1/metrics?window=15m");
        reads.put("m24", "/v1/metrics?window=24h");
        reads.put("log", "/v1/events?limit=100&after=" + (head / 2));
        reads.put("events", "/v1/events?aggregateId=ex-" + (size / 3 + 1) + "&type=execution.succeeded");
        StringBuilder row = new StringBuilder(String.format("| %,d | %,d | %,.0f | %.1f s | %s |", size, head + 1,
                projectedPerSecond, (caughtUp - seededAt) / 1e9, loadAverage()));
        for (String path : reads.values()) {
            row.append(String.format(" %.2f |", medianMs(path)));
        }
        System.out.println(row);
        StringBuilder processors = new StringBuilder(String.format(
                "  seeding (appending at full speed) took %.1f s; processors at the head, seconds after it ended:",
                (seededAt - started) / 1e9));
        processorsDone.forEach((name, seconds) -> processors.append(String.format(" %s %.1f", name, seconds)));
        System.out.println(processors);
    }

    private void addExecution(List<EventMessage<?>> commit, int i) {
        String id = "ex-" + i;
        String tool = TOOLS[i % TOOLS.length];
        Actor actor = ACTORS[(i / 5) % ACTORS.length];
        ToolRef ref = new ToolRef(tool, "1.0.0", "sha256:schema", true, 10_000);
        Map<String, Object> input = Map.of("url", "https://status.example.com/" + i);
        if (i % 10 == 0) {
            Plan plan = new Plan(List.of(new Effect("http.get", "https://status.example.com", "reads it", Map.of())),
                    "sha256:plan");
            commit.add(event("ToolExecution", id, 0, new ExecutionPlannedEvent(id, ref, input, "bench", actor, null,
                    "sha256:" + i, plan)));
            return;
        }
        commit.add(event("ToolExecution", id, 0, new ExecutionRequestedEvent(id, ref, input, "bench", actor,
                "idem-" + i, "sha256:" + i, null)));
        commit.add(event("ToolExecution", id, 1, new ExecutionStartedEvent(id, "runner-1", 1)));
        commit.add(event("ToolExecution", id, 2, i % 20 == 1
                ? new ExecutionFailedEvent(id, new ExecutionError("unexpected_status", "got 503"), 40 + i % 500)
                : new ExecutionSucceededEvent(id, Map.of("status", 200), 20 + i % 300)));
    }

    private void addApproval(List<EventMessage<?>> commit, int i) {
        String id = "apr-" + i;
        Instant now = Instant.now();
        commit.add(event("ApprovalRequest", id, 0, new ApprovalRequestedEvent(id,
                new ToolRef("billing.refund", "1.0.0", "sha256:s", true, 1000), Map.of("amount", i),
                "sha256:payload" + i, new Plan(List.of(new Effect("refund", "stripe", "refunds", Map.of())),
                "sha256:plan"), "customer asked", ACTORS[0], 1, now.plusSeconds(86_400 + i), null, "sha256:r" + i)));
        if (i % 200 == 0) {
            commit.add(event("ApprovalRequest", id, 1, new RequestApprovedEvent(id, ACTORS[1], "fine", 1, true)));
        }
    }

    private static EventMessage<?> event(String type, String aggregateId, long sequence, Object payload) {
        return new GenericDomainEventMessage<>(type, aggregateId, sequence, payload, Map.of(),
                UUID.randomUUID().toString(), Instant.now());
    }

    private static long head(EventStore events) {
        return EventPositions.of(events.createHeadToken());
    }

    /** Waits until every processor has handled {@code head}; returns when each got there, in seconds from now. */
    private Map<String, Double> awaitProjected(long head) throws InterruptedException {
        ProjectionProgress progress = context.getBean(ProjectionProgress.class);
        List<String> processors = context.getBean(EventProcessingConfiguration.class).eventProcessors().entrySet()
                .stream().filter(entry -> entry.getValue() instanceof StreamingEventProcessor)
                .map(Map.Entry::getKey).sorted().toList();
        long start = System.nanoTime();
        long reported = start;
        Map<String, Double> done = new LinkedHashMap<>();
        while (done.size() < processors.size()) {
            if (System.nanoTime() - reported > 30_000_000_000L) {
                reported = System.nanoTime();
                StringBuilder line = new StringBuilder(String.format("  %4.0f s after seeding, head %,d:",
                        (reported - start) / 1e9, head));
                processors.forEach(name -> line.append(String.format(" %s %,d", name,
                        progress.processedPosition(name))));
                System.out.println(line);
            }
            for (String processor : processors) {
                if (!done.containsKey(processor) && progress.processedPosition(processor) >= head) {
                    done.put(processor, (System.nanoTime() - start) / 1e9);
                }
            }
            Thread.sleep(50);
        }
        return done;
    }

    private String cursorOfPage(String path, int page) throws Exception {
        String cursor = null;
        for (int i = 1; i < page; i++) {
            String body = get(path + (cursor == null ? "" : "&cursor=" + cursor)).body();
            cursor = body.replaceAll("(?s).*\"nextCursor\":\"([^\"]+)\".*", "$1");
        }
        return cursor;
    }

    /** The median of {@value #ROUNDS} requests after five uncounted ones. */
    private double medianMs(String path) throws Exception {
        for (int i = 0; i < 5; i++) {
            check(get(path), path);
        }
        double[] times = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = get(path);
            times[i] = (System.nanoTime() - start) / 1e6;
            check(response, path);
        }
        Arrays.sort(times);
        return times[ROUNDS / 2];
    }

    private static void check(HttpResponse<String> response, String path) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private String issueKey() {
        String secret = ApiKeySecrets.generate();
        String keyMac = context.getBean(KeyPepper.class).keyMac(ApiKeySecrets.hash(secret));
        ApiKeyIssuedEvent issued = new ApiKeyIssuedEvent("key-bench", "bench", "bench@example.com", ActorKind.HUMAN,
                null, Set.of(Scope.ADMIN), List.of(), null, null, null, ApiKeySecrets.displayPrefix(secret),
                ApiKeySecrets.lastFour(secret), null, keyMac);
        context.getBean(CredentialStore.class).save(ApiKeyCredential.issued(issued, keyMac, Instant.now()));
        // The query side accepts a credential only when the key's apikey.issued event backs it.
        context.getBean(EventStore.class).publish(event("ApiKey", "key-bench", 0, issued));
        return secret;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
