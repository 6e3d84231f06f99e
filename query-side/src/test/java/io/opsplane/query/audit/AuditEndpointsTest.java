package io.opsplane.query.audit;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.opsplane.eventstore.AuditTrail;
import io.opsplane.eventstore.audit.ExportVerifier;
import io.opsplane.eventstore.audit.VerificationResult;
import io.opsplane.query.support.QuerySideUnderTest;
import io.opsplane.query.support.QuerySideUnderTest.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.MongoTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import static io.opsplane.query.support.ExecutionEvents.ALICE;
import static io.opsplane.query.support.ExecutionEvents.requested;
import static io.opsplane.query.support.ExecutionEvents.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

class AuditEndpointsTest {

    private static QuerySideUnderTest app;
    private static String admin;
    private static String reader;
    private static long last;
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    static void start() {
        app = QuerySideUnderTest.start("opsplane.audit.seal-interval=50ms", "opsplane.audit.max-events-per-checkpoint=3");
        admin = app.issueKey("root@example.com", "admin");
        reader = app.issueKey("reader@example.com", "logs:read");
        for (int i = 0; i < 4; i++) {
            app.record("audit-" + i, requested("audit-" + i, "service.healthcheck", ALICE), succeeded("audit-" + i));
        }
        last = app.headPosition();
        awaitSealed(app, last);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void verifiesAnUntouchedStore() {
        Response verified = app.get("/v1/audit/verify", admin);

        assertThat(verified.status()).isEqualTo(200);
        assertThat(verified.body().path("ok").asBoolean()).isTrue();
        assertThat(verified.body().path("checkedEvents").asLong()).isEqualTo(last + 1);
        assertThat(verified.body().has("firstBrokenPosition")).isTrue();
        assertThat(verified.body().path("firstBrokenPosition").isNull()).isTrue();
    }

    @Test
    void exportsEveryStoredEventWithItsHashAsNdjsonThatVerifiesOffline() throws IOException {
        HttpResponse<String> export = export("", admin);

        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        List<JsonNode> events = export.body().lines().map(json::readTree).filter(line -> line.has("position")).toList();
        assertThat(events).extracting(line -> line.path("position").asLong())
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(0, last).boxed().toList());
        assertThat(events).extracting(line -> line.path("type").asString()).startsWith("apikey.issued", "apikey.issued",
                "execution.requested", "execution.succeeded");
        assertThat(ExportVerifier.verify(new StringReader(export.body())).ok()).isTrue();

        Response log = app.get("/v1/events?limit=1", admin);
        assertThat(log.body().path("items").get(0).path("hash").asString())
                .isEqualTo(events.get(0).path("hash").asString());
    }

    @Test
    void exportsFromAnInstantWidenedToWholeSealedRanges() throws IOException {
        HttpResponse<String> export = export("?since=" + Instant.now().minusSeconds(3600) + "&until="
                + Instant.now().plusSeconds(60), admin);

        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(ExportVerifier.verify(new StringReader(export.body())))
                .isEqualTo(new VerificationResult(true, last + 1, null, null));
        assertThat(export("?since=" + Instant.now().plusSeconds(60), admin).body()).isEmpty();
    }

    @Test
    void rejectsBadBoundsAndKeysWithoutAdmin() {
        assertThat(export("?since=yesterday", admin).statusCode()).isEqualTo(400);
        assertThat(export("?since=2026-11-24T10:00:00Z&until=2026-11-24T09:00:00Z", admin).statusCode())
                .isEqualTo(400);
        assertThat(app.get("/v1/audit/verify", reader).status()).isEqualTo(403);
        assertThat(export("", reader).statusCode()).isEqualTo(403);
        assertThat(app.get("/v1/audit/verify", null).status()).isEqualTo(401);
    }

    @Test
    void namesTheFirstEventAlteredDirectlyInTheStoreOnlineAndOffline() throws IOException {
        try (QuerySideUnderTest tampered = QuerySideUnderTest.start("opsplane.audit.seal-interval=50ms")) {
            String key = tampered.issueKey("root@example.com", "admin");
            tampered.record("t-1", requested("t-1", "service.healthcheck", ALICE), succeeded("t-1"));
            tampered.record("t-2", requested("t-2", "service.healthcheck", ALICE), succeeded("t-2"));
            awaitSealed(tampered, tampered.headPosition());
            tampered.bean(MongoTemplate.class).getCollection("events")
                    .updateOne(Filters.eq("_id", 2L), Updates.set("payload", "{\"executionId\":\"t-9\"}"));

            Response verified = tampered.get("/v1/audit/verify", key);

            assertThat(verified.body().path("ok").asBoolean()).isFalse();
            assertThat(verified.body().path("firstBrokenPosition").asLong()).isEqualTo(2);
            HttpResponse<String> export = send(tampered, "/v1/audit/export", key);
            assertThat(ExportVerifier.verify(new StringReader(export.body())).firstBrokenPosition()).isEqualTo(2);
        }
    }

    private static void awaitSealed(QuerySideUnderTest app, long position) {
        AuditTrail trail = app.bean(AuditTrail.class);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (trail.lastCheckpoint() == null || trail.lastCheckpoint().to() < position) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("position " + position + " was not sealed");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private HttpResponse<String> export(String query, String key) {
        return send(app, "/v1/audit/export" + query, key);
    }

    private HttpResponse<String> send(QuerySideUnderTest target, String path, String key) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(target.baseUrl() + path))
                    .header("Authorization", "Bearer " + key).header("Accept", "application/x-ndjson").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
