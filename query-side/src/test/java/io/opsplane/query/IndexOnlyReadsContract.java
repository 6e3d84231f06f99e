package io.opsplane.query;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import io.opsplane.api.approval.ApprovalRequestedEvent;
import io.opsplane.api.approval.RequestApprovedEvent;
import io.opsplane.api.approval.RequestRejectedEvent;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.execution.Plan;
import io.opsplane.query.support.QuerySideUnderTest;
import io.opsplane.query.support.QuerySideUnderTest.Response;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.opsplane.query.support.ExecutionEvents.ALICE;
import static io.opsplane.query.support.ExecutionEvents.DEPLOY_BOT;
import static io.opsplane.query.support.ExecutionEvents.failed;
import static io.opsplane.query.support.ExecutionEvents.planned;
import static io.opsplane.query.support.ExecutionEvents.requested;
import static io.opsplane.query.support.ExecutionEvents.started;
import static io.opsplane.query.support.ExecutionEvents.succeeded;
import static io.opsplane.query.support.ExecutionEvents.tool;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requirement: the execution log with every filter and cursor, one execution, the approval lists and inbox, the
 * event log with its filters, and metrics cost the same at a million executions as at a thousand, on MongoDB and on the embedded store alike. Both
 * serve from an index only exact or {@code $in} matches on a unique key (FACTS.md); so, like the event store's
 * {@code IndexOnlyAccessTest}, this test records every command the query side sends while it answers those reads
 * and checks that each one touching a collection that grows with use selects by {@code _id} only: never a range,
 * a sort, a count or a pipeline. Timing is not asserted; the figures are in docs/performance.md. Subclasses say
 * which store the query side runs on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IndexOnlyReadsContract {

    /** Collections that grow with executions, approvals or events (base names; rebuilt ones get a suffix). */
    private static final Set<String> GROWING = Set.of("executions", "execution_lists", "approval_requests",
            "approval_lists", "metrics_buckets", "metrics_executions", "events", "eventlog", "eventlog_lists");

    /**
     * Collections that do not grow with executions, read on the way: keys and rate limits by {@code _id}, processors'
     * tokens and the store's head (read-your-writes), the tools seen, the live generations; and the rate-limit
     * refusals, one document per minute with refusals, whose window is read as an {@code _id} range (see
     * docs/performance.md). The audit sealer works on the event store's {@code event_checkpoints} in the background,
     * through the engine that {@code IndexOnlyAccessTest} covers.
     */
    private static final Set<String> BOUNDED = Set.of("api_key_credentials", "api_credentials", "rate_limit_buckets",
            "rate_limit_rejections", "trackingtokens", "event_sequence", "metrics_tools", "read_model_generations",
            "event_checkpoints");

    /** The event store's own unique keys besides {@code _id} (ADR 0002), which both stores serve from an index. */
    private static final Map<String, Set<String>> UNIQUE_KEYS = Map.of(
            "events", Set.of("_id", "aggregateSequenceKey", "eventIdentifier"));

    private final List<BsonDocument> commands = new ArrayList<>();
    private volatile boolean recording;
    private QuerySideUnderTest app;
    private String key;
    private long head;

    private final CommandListener recorder = new CommandListener() {
        @Override
        public void commandStarted(CommandStartedEvent event) {
            if (recording) {
                synchronized (commands) {
                    commands.add(event.getCommand().clone());
                }
            }
        }
    };

    /** The query side, started on the store under test, telling {@code recorder} of every command. */
    abstract QuerySideUnderTest start(CommandListener recorder);

    @BeforeAll
    void startAndSeed() {
        app = start(recorder);
        key = app.issueKey("root@example.com", "admin");
        Instant now = Instant.now();
        String[] tools = {"service.healthcheck", "billing.refund", "tenant.onboard"};
        for (int i = 0; i < 150; i++) {
            String id = "ex-" + i;
            Instant at = now.minusSeconds(600 - i);
            if (i % 7 == 0) {
                app.recordAt(at, id, planned(id, tools[i % 3], ALICE));
            } else if (i % 5 == 0) {
                app.recordAt(at, id, requested(id, tools[i % 3], DEPLOY_BOT), started(id));
            } else {
                app.recordAt(at, id, requested(id, tools[i % 3], i % 2 == 0 ? ALICE : DEPLOY_BOT), started(id),
                        i % 3 == 0 ? failed(id) : succeeded(id));
            }
        }
        Plan plan = new Plan(List.of(new Effect("refund", "stripe", "refunds", Map.of())), "sha256:plan");
        for (int i = 0; i < 12; i++) {
            String id = "apr-" + i;
            app.append("ApprovalRequest", id, now, new ApprovalRequestedEvent(id, tool(tools[i % 3]),
                    Map.of("amount", i), "sha256:" + i, plan, "because", ALICE, 1, now.plusSeconds(3600 + i), null,
                    "sha256:r" + i));
            if (i % 3 == 1) {
                app.append("ApprovalRequest", id, now, new RequestApprovedEvent(id, DEPLOY_BOT, "ok", 1, true));
            } else if (i % 3 == 2) {
                app.append("ApprovalRequest", id, now, new RequestRejectedEvent(id, DEPLOY_BOT, "no"));
            }
        }
        head = app.headPosition();
        for (String projection : List.of("/v1/executions?limit=1", "/v1/approval-requests?limit=1",
                "/v1/metrics?window=15m", "/v1/events?limit=1")) {
            assertThat(app.get(projection + "&minPosition=" + head, key).status()).isEqualTo(200);
        }
    }

    @AfterAll
    void stop() {
        app.close();
    }

    @Test
    void everyListFilterCursorLookupAndMetricsReadSelectsByIdOnly() {
        commands.clear();
        recording = true;
        try {
            readEverything();
        } finally {
            recording = false;
        }

        List<BsonDocument> touchingGrowth = commands.stream().filter(IndexOnlyReadsContract::touchesGrowingCollection)
                .toList();
        assertThat(touchingGrowth).as("commands on growing collections").hasSizeGreaterThan(40);
        Set<String> kinds = new TreeSet<>();
        for (BsonDocument command : touchingGrowth) {
            kinds.add(command.getFirstKey() + " " + command.getString(command.getFirstKey()).getValue());
            assertSelectsById(command);
        }
        assertThat(kinds).contains("find executions", "find execution_lists", "find approval_requests",
                "find approval_lists", "find metrics_buckets", "find eventlog", "find eventlog_lists");
        // Commands naming no collection (hello, ping, transactions, getMore) read no documents by themselves.
        assertThat(commands).filteredOn(command -> command.get(command.getFirstKey()).isString())
                .filteredOn(command -> !touchesGrowingCollection(command))
                .extracting(command -> command.getString(command.getFirstKey()).getValue())
                .allSatisfy(target -> assertThat(BOUNDED).as("collection %s", target).contains(target));
    }

    /**
     * The projections' writes too: a filter with more than a unique key (a position guard beside {@code _id}, say) is
     * a scan of the whole collection on the embedded store, once per written document (the metrics tallies were).
     */
    @Test
    void everyProjectionWriteSelectsByIdOnly() {
        commands.clear();
        recording = true;
        try {
            Instant now = Instant.now();
            for (int i = 0; i < 20; i++) {
                String id = "written-" + i;
                app.recordAt(now.minusSeconds(20 - i), id, requested(id, "billing.refund", ALICE), started(id),
                        i % 4 == 0 ? failed(id) : succeeded(id));
            }
            Plan plan = new Plan(List.of(new Effect("refund", "stripe", "refunds", Map.of())), "sha256:plan");
            String request = "apr-written";
            app.append("ApprovalRequest", request, now, new ApprovalRequestedEvent(request, tool("billing.refund"),
                    Map.of("amount", 1), "sha256:w", plan, "because", ALICE, 1, now.plusSeconds(3600), null,
                    "sha256:rw"));
            app.append("ApprovalRequest", request, now, new RequestApprovedEvent(request, DEPLOY_BOT, "ok", 1, true));
            long written = app.headPosition();
            for (String projection : List.of("/v1/executions?limit=1", "/v1/approval-requests?limit=1",
                    "/v1/metrics?window=15m", "/v1/events?limit=1")) {
                assertThat(app.get(projection + "&minPosition=" + written, key).status()).isEqualTo(200);
            }
        } finally {
            recording = false;
        }
        Set<String> writes = new TreeSet<>();
        for (BsonDocument command : commands.stream().filter(IndexOnlyReadsContract::touchesGrowingCollection).toList()) {
            assertSelectsById(command);
            String name = command.getFirstKey();
            if (!"find".equals(name) && !"getMore".equals(name)) {
                writes.add(name + " " + command.getString(name).getValue().replaceAll("_g[0-9]+$", ""));
            }
        }
        assertThat(writes).contains("update metrics_buckets", "update metrics_executions", "update executions",
                "update approval_requests");
    }

    /** Every read the query side serves from these read models, with each filter, combination and cursor. */
    private void readEverything() {
        String actor = URLEncoder.encode(DEPLOY_BOT.name(), StandardCharsets.UTF_8);
        Instant now = Instant.now();
        List<String> queries = List.of("", "tool=billing.refund", "status=failed", "status=running", "mode=plan",
                "mode=execute", "actor=" + actor, "tool=tenant.onboard&status=succeeded&mode=execute&actor=" + actor,
                "since=" + now.minusSeconds(500), "until=" + now.minusSeconds(550),
                "tool=service.healthcheck&since=" + now.minusSeconds(560) + "&until=" + now.minusSeconds(520));
        for (String query : queries) {
            String next = null;
            int pages = 0;
            do {
                Response page = app.get("/v1/executions?limit=7&minPosition=" + head + "&" + query
                        + (next == null ? "" : "&cursor=" + next), key);
                assertThat(page.status()).as(query).isEqualTo(200);
                assertThat(page.body().path("items").size()).as(query).isPositive();
                next = page.body().path("nextCursor").isNull() ? null : page.body().path("nextCursor").asString();
            } while (next != null && ++pages < 3);
        }
        assertThat(app.get("/v1/executions/ex-42", key).status()).isEqualTo(200);
        assertThat(app.get("/v1/executions/nobody", key).status()).isEqualTo(404);
        for (String query : List.of("", "status=pending", "status=approved", "tool=billing.refund",
                "status=pending&tool=service.healthcheck")) {
            Response first = app.get("/v1/approval-requests?limit=2&" + query, key);
            assertThat(first.status()).as(query).isEqualTo(200);
            assertThat(first.body().path("items").size()).as(query).isPositive();
            if (!first.body().path("nextCursor").isNull()) {
                assertThat(app.get("/v1/approval-requests?limit=2&" + query + "&cursor="
                        + first.body().path("nextCursor").asString(), key).status()).isEqualTo(200);
            }
        }
        assertThat(app.get("/v1/approval-requests/apr-1", key).status()).isEqualTo(200);
        for (String query : List.of("", "type=execution.failed", "type=execution.requested,execution.planned&after=40",
                "aggregateId=ex-3", "aggregateId=ex-3&type=execution.started", "since=" + now.minusSeconds(500),
                "after=100")) {
            Response page = app.get("/v1/events?limit=20&" + query, key);
            assertThat(page.status()).as(query).isEqualTo(200);
            assertThat(page.body().path("items").size()).as(query).isPositive();
        }
        for (String window : List.of("15m", "1h", "24h", "7d")) {
            assertThat(app.get("/v1/metrics?window=" + window, key).status()).isEqualTo(200);
        }
    }

    private static boolean touchesGrowingCollection(BsonDocument command) {
        BsonValue target = command.get(command.getFirstKey());
        return target != null && target.isString() && GROWING.contains(target.asString().getValue()
                .replaceAll("_g[0-9]+$", ""));
    }

    static void assertSelectsById(BsonDocument command) {
        String name = command.getFirstKey();
        switch (name) {
            case "find" -> {
                assertThat(command.containsKey("sort")).as("sorted: %s", command.toJson()).isFalse();
                assertIdMatch(command.getDocument("filter"), command);
            }
            case "findAndModify" -> {
                assertThat(command.containsKey("sort")).as("sorted: %s", command.toJson()).isFalse();
                assertIdMatch(command.getDocument("query"), command);
            }
            // A projection still writing while the reads run: its writes select by _id too.
            case "update", "delete" -> {
                for (BsonValue statement : command.getArray("update".equals(name) ? "updates" : "deletes")) {
                    assertIdMatch(statement.asDocument().getDocument("q"), command);
                }
            }
            case "getMore", "killCursors", "insert" -> {
            }
            default -> throw new AssertionError("neither a find nor a write by _id: " + command.toJson());
        }
    }

    private static void assertIdMatch(BsonDocument filter, BsonDocument command) {
        String collection = command.getString(command.getFirstKey()).getValue().replaceAll("_g[0-9]+$", "");
        assertThat(filter.keySet()).as("filter of %s", command.toJson()).hasSize(1);
        assertThat(UNIQUE_KEYS.getOrDefault(collection, Set.of("_id"))).as("filter of %s", command.toJson())
                .contains(filter.getFirstKey());
        BsonValue value = filter.get(filter.getFirstKey());
        if (value.isDocument()) {
            assertThat(value.asDocument().keySet()).as("operator of %s", command.toJson()).containsExactly("$in");
            BsonArray values = value.asDocument().getArray("$in");
            assertThat(values).as("$in values of %s", command.toJson()).allMatch(v -> !v.isDocument() && !v.isArray());
        }
    }
}
