package io.opsplane.command.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.opsplane.command.CommandSideApplication;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhook deliveries against local receivers: one that answers at once, one that fails twice then recovers, one that
 * times out until it recovers. Standard Webhooks headers and signatures, retries with backoff, dead letters, and
 * isolation between subscribers.
 */
class WebhookDeliveryHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dataDir;

    private static MongoServer store;
    private static HttpServer receivers;
    private static ConfigurableApplicationContext app;
    private static String base;
    private static String receiverBase;
    private static String adminKey;
    private static final BlockingQueue<Received> good = new LinkedBlockingQueue<>();
    private static final List<Received> flaky = new ArrayList<>();
    private static final AtomicInteger flakyCalls = new AtomicInteger();
    private static final BlockingQueue<Received> slow = new LinkedBlockingQueue<>();
    private static final AtomicBoolean slowRecovered = new AtomicBoolean();

    record Received(String id, String timestamp, String signature, String body) {
    }

    @BeforeAll
    static void start() throws Exception {
        store = new MongoServer(new MemoryBackend());
        InetSocketAddress storeAddress = store.bind();
        receivers = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receivers.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        receivers.createContext("/good", exchange -> {
            good.add(received(exchange));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receivers.createContext("/flaky", exchange -> {
            Received received = received(exchange);
            synchronized (flaky) {
                flaky.add(received);
            }
            exchange.sendResponseHeaders(flakyCalls.incrementAndGet() <= 2 ? 500 : 200, -1);
            exchange.close();
        });
        receivers.createContext("/slow", exchange -> {
            Received received = received(exchange);
            if (!slowRecovered.get()) {
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                slow.add(received);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receivers.start();
        receiverBase = "http://127.0.0.1:" + receivers.getAddress().getPort();
        app = CommandSideApplication.builder().run(
                "--server.port=0",
                "--spring.mongodb.uri=mongodb://127.0.0.1:" + storeAddress.getPort() + "/opsplane",
                "--opsplane.data-dir=" + dataDir,
                "--opsplane.webhooks.max-attempts=3",
                "--opsplane.webhooks.initial-backoff=50ms",
                "--opsplane.webhooks.max-backoff=100ms",
                "--opsplane.webhooks.timeout=1500ms",
                "--opsplane.webhooks.poll-interval=20ms");
        base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        adminKey = Files.readString(dataDir.resolve("admin-key")).trim();
        Instant deadline = Instant.now().plusSeconds(30);
        while (post("/v1/webhooks", "{}").statusCode() == 401 && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stop() {
        app.close();
        receivers.stop(0);
        store.shutdownNow();
    }

    @Test
    void deliversSignedAtLeastOnceWithBackoffDeadLettersAndNeverLetsOneSubscriberDelayAnother() throws Exception {
        JsonNode goodHook = register("/good");
        JsonNode flakyHook = register("/flaky");
        JsonNode slowHook = register("/slow");
        awaitActive(goodHook, flakyHook, slowHook);

        issueKey("first");

        Received first = good.poll(10, TimeUnit.SECONDS);
        assertThat(first).as("the good receiver's delivery").isNotNull();
        // The slow subscriber is still in its first or second attempt: it did not hold the good one up.
        assertThat(deliveries(slowHook)).noneMatch(d -> "dead_lettered".equals(d.getString("status")));
        JsonNode body = JSON.readTree(first.body());
        assertThat(body.path("type").asText()).isEqualTo("apikey.issued");
        assertThat(body.path("hash").asText()).startsWith("sha256:");
        assertThat(body.path("actor").path("name").asText()).isNotEmpty();
        assertThat(first.id()).isEqualTo("evt_" + body.path("position").asLong());
        assertThat(first.signature()).isEqualTo(
                StandardWebhooks.signature(goodHook.path("secret").asText(), first.id(),
                        Long.parseLong(first.timestamp()), first.body()));
        assertThat(Math.abs(Long.parseLong(first.timestamp()) - Instant.now().getEpochSecond())).isLessThan(60);

        List<Document> flakyLog = awaitDeliveries(flakyHook, "succeeded");
        assertThat(flakyLog).extracting(d -> d.getString("status")).containsExactly("failed", "failed", "succeeded");
        assertThat(flakyLog).extracting(d -> d.getInteger("httpStatus")).containsExactly(500, 500, 200);
        synchronized (flaky) {
            assertThat(flaky).hasSize(3).extracting(Received::id).containsOnly(first.id());
            assertThat(flaky).extracting(Received::body).containsOnly(first.body());
        }

        List<Document> slowLog = awaitDeliveries(slowHook, "dead_lettered");
        assertThat(slowLog).extracting(d -> d.getString("status")).containsExactly("failed", "failed", "dead_lettered");
        assertThat(slowLog).extracting(d -> d.getString("error")).containsOnly("timeout");

        slowRecovered.set(true);
        issueKey("second");
        Received afterRecovery = slow.poll(10, TimeUnit.SECONDS);
        assertThat(afterRecovery).as("the recovered receiver gets the next event").isNotNull();
        assertThat(JSON.readTree(afterRecovery.body()).path("payload").path("name").asText()).isEqualTo("second");
        assertThat(good.poll(10, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void validatesRegistrationsAndDeletesOnce() throws Exception {
        HttpResponse<String> bad = post("/v1/webhooks", "{\"url\":\"ftp://x\",\"eventTypes\":[\"Nope\"]}");
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode problem = JSON.readTree(bad.body());
        assertThat(problem.path("code").asText()).isEqualTo("invalid_input");
        assertThat(problem.path("errors").findValuesAsText("path")).containsExactly("/url", "/eventTypes/0");
        HttpResponse<String> withCredentials = post("/v1/webhooks",
                "{\"url\":\"https://user:pw@hooks.example.com/in\",\"eventTypes\":[\"*\"]}");
        assertThat(withCredentials.statusCode()).as(withCredentials.body()).isEqualTo(400);
        JsonNode refused = JSON.readTree(withCredentials.body());
        assertThat(refused.path("code").asText()).isEqualTo("invalid_input");
        assertThat(refused.path("errors").findValuesAsText("path")).containsExactly("/url");
        assertThat(withCredentials.body()).doesNotContain("pw@");
        for (String url : List.of("http://169.254.169.254/latest", "http://[64:ff9b::a9fe:a9fe]/", "http://100.100.100.200/")) {
            HttpResponse<String> denied = post("/v1/webhooks", "{\"url\":\"" + url + "\",\"eventTypes\":[\"*\"]}");
            assertThat(denied.statusCode()).as(url).isEqualTo(400);
            assertThat(JSON.readTree(denied.body()).path("errors").findValuesAsText("path")).containsExactly("/url");
        }

        JsonNode hook = register("/good");
        assertThat(hook.path("secret").asText()).startsWith("whsec_");
        assertThat(delete(hook.path("id").asText()).statusCode()).isEqualTo(204);
        assertThat(delete(hook.path("id").asText()).statusCode()).isEqualTo(204);
        assertThat(delete("wh_unknown").statusCode()).isEqualTo(404);
    }

    private static JsonNode register(String path) throws Exception {
        HttpResponse<String> response = post("/v1/webhooks",
                "{\"url\":\"" + receiverBase + path + "\",\"eventTypes\":[\"apikey.issued\"],\"description\":\"test\"}");
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("Location").orElse("")).startsWith("/v1/webhooks/wh_");
        return JSON.readTree(response.body());
    }

    private static void issueKey(String name) throws Exception {
        assertThat(post("/v1/api-keys", "{\"name\":\"" + name + "\",\"principal\":\"p@example.com\",\"kind\":\"human\","
                + "\"scopes\":[\"logs:read\"]}").statusCode()).isEqualTo(201);
    }

    private static void awaitActive(JsonNode... hooks) throws InterruptedException {
        MongoTemplate mongo = app.getBean(MongoTemplate.class);
        for (JsonNode hook : hooks) {
            Instant deadline = Instant.now().plusSeconds(10);
            while (!Boolean.TRUE.equals(mongo.getCollection(WebhookSubscriptions.SUBSCRIPTIONS)
                    .find(eq("_id", hook.path("id").asText())).first().getBoolean("active"))) {
                assertThat(Instant.now()).as("webhook activated in time").isBefore(deadline);
                Thread.sleep(20);
            }
        }
    }

    private static List<Document> deliveries(JsonNode hook) {
        List<Document> found = app.getBean(MongoTemplate.class).getCollection(WebhookSubscriptions.DELIVERIES)
                .find(eq("webhookId", hook.path("id").asText())).into(new ArrayList<>());
        found.sort(java.util.Comparator.comparing((Document d) -> d.getLong("position"))
                .thenComparing(d -> d.getInteger("attempt")));
        return found;
    }

    private static List<Document> awaitDeliveries(JsonNode hook, String finalStatus) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            List<Document> found = deliveries(hook);
            if (found.stream().anyMatch(d -> finalStatus.equals(d.getString("status")))) {
                return found;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + finalStatus + " delivery for " + hook.path("id").asText());
    }

    private static Received received(com.sun.net.httpserver.HttpExchange exchange) throws java.io.IOException {
        return new Received(exchange.getRequestHeaders().getFirst("webhook-id"),
                exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                exchange.getRequestHeaders().getFirst("webhook-signature"),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + adminKey)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> delete(String id) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/webhooks/" + id))
                .header("Authorization", "Bearer " + adminKey).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }
}
