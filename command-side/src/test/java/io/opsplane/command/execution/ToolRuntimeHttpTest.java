package io.opsplane.command.execution;

import io.opsplane.command.support.Credentials;
import io.opsplane.command.support.JsonPost;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.opsplane.api.tool.CatalogPublishedEvent;
import io.opsplane.api.tool.ToolSpec;
import io.opsplane.command.CommandSideApplication;
import io.opsplane.command.connector.calendar.ServiceAccountKeys;
import io.opsplane.command.connector.http.ToolsFileException;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The command side over HTTP with every connector pointed at a local stand-in for its provider:
 * the catalogue, approval gating, explicit retry of a failed onboarding, and idempotency with a
 * provider that must see exactly one request.
 */
class ToolRuntimeHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dataDir;
    private static MongoServer store;
    private static WireMockServer providers;
    private static ConfigurableApplicationContext app;
    private static String base;
    private static String storeUri;
    private static String adminKey;

    @BeforeAll
    static void start() throws Exception {
        store = new MongoServer(new MemoryBackend());
        InetSocketAddress address = store.bind();
        storeUri = "mongodb://127.0.0.1:" + address.getPort() + "/opsplane";
        providers = new WireMockServer(options().dynamicPort());
        providers.start();
        String stand = providers.baseUrl();
        Path key = ServiceAccountKeys.write(dataDir, stand + "/token");
        Path tools = Files.writeString(dataDir.resolve("tools.yml"), """
                tools:
                  - name: app.maintenance.enable
                    description: Puts our application into maintenance mode
                    riskLevel: high
                    requiredScope: admin
                    idempotent: true
                    inputSchema: {type: object, properties: {message: {type: string}}}
                    request: {method: PUT, url: "%s/app/maintenance", body: {message: "{{input.message}}"}}
                """.formatted(stand));
        app = CommandSideApplication.builder().run(
                "--server.port=0",
                "--spring.mongodb.uri=" + storeUri,
                "--opsplane.data-dir=" + dataDir,
                "--opsplane.connectors.stripe.api-key=sk_test_runtime",
                "--opsplane.connectors.stripe.base-url=" + stand,
                "--opsplane.connectors.resend.api-key=re_runtime",
                "--opsplane.connectors.resend.base-url=" + stand,
                "--opsplane.connectors.google-calendar.credentials-file=" + key,
                "--opsplane.connectors.google-calendar.base-url=" + stand + "/",
                "--opsplane.connectors.google-calendar.token-url=" + stand + "/token",
                "--opsplane.tools.file=" + tools);
        base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        adminKey = Files.readString(dataDir.resolve("admin-key")).trim();
        Credentials.awaitProjected(app, adminKey);
        providers.stubFor(post(urlPathEqualTo("/token")).willReturn(okJson(
                "{\"access_token\": \"ya29.runtime\", \"expires_in\": 3599, \"token_type\": \"Bearer\"}")));
    }

    @AfterAll
    static void stop() {
        app.close();
        providers.stop();
        store.shutdownNow();
    }

    @Test
    void publishesTheCatalogueOnceWithEveryToolAvailable() {
        List<? extends DomainEventMessage<?>> events = app.getBean(EventStore.class).readEvents("catalog").asStream()
                .toList();

        assertThat(events).hasSize(1);
        CatalogPublishedEvent published = (CatalogPublishedEvent) events.get(0).getPayload();
        assertThat(published.tools()).extracting(ToolSpec::name).contains("app.maintenance.enable", "billing.refund");
        assertThat(published.tools()).allSatisfy(tool -> {
            assertThat(tool.available()).as(tool.name() + " available").isTrue();
            assertThat(tool.unavailableReason()).as(tool.name() + " unavailable reason").isNull();
        });
    }

    @Test
    void executingARefundAboveTheApprovalThresholdOpensAnApprovalRequestInsteadOfRunning() throws Exception {
        HttpResponse<String> pending = call("/v1/executions", adminKey,
                "{\"tool\":\"billing.refund\",\"input\":{\"paymentIntent\":\"pi_Big1\",\"amount\":60000},"
                        + "\"reason\":\"customer complaint\"}");

        assertThat(pending.statusCode()).as(pending.body()).isEqualTo(202);
        JsonNode body = JSON.readTree(pending.body());
        assertThat(body.path("status").asText()).isEqualTo("pending_approval");
        assertThat(pending.headers().firstValue("Location")).hasValue("/v1/approval-requests/"
                + body.path("approvalRequestId").asText());
        providers.verify(0, postRequestedFor(urlPathEqualTo("/v1/refunds")).withFormParam("payment_intent", equalTo("pi_Big1")));

        HttpResponse<String> plan = call("/v1/executions", adminKey,
                "{\"tool\":\"billing.refund\",\"mode\":\"plan\",\"input\":{\"paymentIntent\":\"pi_Big1\",\"amount\":600000}}");
        assertThat(plan.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(plan.body()).path("plan").path("digest").asText()).startsWith("sha256:");
    }

    @Test
    void runsARefundBelowTheThresholdWithAStableIdempotencyKey() throws Exception {
        providers.stubFor(post(urlPathEqualTo("/v1/refunds")).withFormParam("payment_intent", equalTo("pi_Small1"))
                .willReturn(okJson("{\"id\": \"re_Small1\", \"object\": \"refund\", \"amount\": 1200, \"currency\": \"usd\","
                        + " \"status\": \"succeeded\"}")));

        HttpResponse<String> response = call("/v1/executions", adminKey,
                "{\"tool\":\"billing.refund\",\"input\":{\"paymentIntent\":\"pi_Small1\",\"amount\":1200}}");

        JsonNode execution = JSON.readTree(response.body());
        assertThat(execution.path("status").asText()).as(response.body()).isEqualTo("succeeded");
        assertThat(execution.path("output").path("refundId").asText()).isEqualTo("re_Small1");
        providers.verify(1, postRequestedFor(urlPathEqualTo("/v1/refunds"))
                .withHeader("Idempotency-Key", equalTo("opsplane-" + execution.path("executionId").asText() + ":refund")));
    }

    @Test
    void aFailedOnboardingRecordsItsStepsAndResumesOnRetryWithoutRepeatingThem() throws Exception {
        providers.stubFor(post(urlPathEqualTo("/v1/customers")).withFormParam("metadata[tenantId]", equalTo("globex"))
                .willReturn(okJson("{\"id\": \"cus_Globex\", \"object\": \"customer\"}")));
        providers.stubFor(post(urlPathEqualTo("/v1/subscriptions")).withFormParam("customer", equalTo("cus_Globex"))
                .willReturn(okJson("{\"id\": \"sub_Globex\", \"object\": \"subscription\", \"status\": \"active\"}")));
        providers.stubFor(get(urlPathEqualTo("/calendar/v3/users/me/calendarList"))
                .willReturn(okJson("{\"kind\": \"calendar#calendarList\", \"items\": []}")));
        providers.stubFor(post(urlPathEqualTo("/calendar/v3/calendars"))
                .willReturn(okJson("{\"kind\": \"calendar#calendar\", \"id\": \"c_globex@group.calendar.google.com\"}")));
        providers.stubFor(post(urlPathEqualTo("/emails")).withRequestBody(matchingJsonPath("$.to[0]", equalTo("hank@globex.test")))
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                        .withBody("{\"statusCode\": 503, \"name\": \"application_error\", \"message\": \"Service unavailable\"}")));
        String body = "{\"tool\":\"tenant.onboard\",\"reason\":\"new customer\",\"input\":{\"tenantId\":\"globex\","
                + "\"companyName\":\"Globex\",\"adminEmail\":\"hank@globex.test\",\"priceId\":\"price_Pro\"}}";

        JsonNode failed = JSON.readTree(call("/v1/executions", adminKey, body).body());

        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("error").path("code").asText()).isEqualTo("provider_error");
        assertThat(failed.path("steps")).extracting(s -> s.path("name").asText() + "=" + s.path("status").asText())
                .containsExactly("billing.customer=succeeded", "billing.subscription=succeeded",
                        "calendar.create=succeeded", "email.welcome=failed");
        String id = failed.path("executionId").asText();

        String intruder = issueKey("{\"name\":\"other\",\"principal\":\"mallory@example.com\",\"kind\":\"human\","
                + "\"scopes\":[\"tools:execute\"]}");
        assertThat(call("/v1/executions/" + id + "/retry", intruder, "").statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(call("/v1/executions/ex_nothing/retry", adminKey, "").body()).path("code").asText())
                .isEqualTo("execution_not_found");

        providers.stubFor(post(urlPathEqualTo("/emails")).withRequestBody(matchingJsonPath("$.to[0]", equalTo("hank@globex.test")))
                .willReturn(okJson("{\"id\": \"em_globex_welcome\"}")));
        HttpResponse<String> retried = call("/v1/executions/" + id + "/retry", adminKey, "");

        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        JsonNode succeeded = JSON.readTree(retried.body());
        assertThat(succeeded.path("executionId").asText()).isEqualTo(id);
        assertThat(succeeded.path("status").asText()).isEqualTo("succeeded");
        assertThat(succeeded.path("output").path("welcomeEmailId").asText()).isEqualTo("em_globex_welcome");
        assertThat(succeeded.path("steps")).extracting(s -> s.path("name").asText() + "=" + s.path("status").asText())
                .containsExactly("billing.customer=succeeded", "billing.subscription=succeeded",
                        "calendar.create=succeeded", "email.welcome=succeeded");
        providers.verify(1, postRequestedFor(urlPathEqualTo("/v1/customers")).withFormParam("metadata[tenantId]", equalTo("globex")));
        providers.verify(1, postRequestedFor(urlPathEqualTo("/v1/subscriptions")).withFormParam("customer", equalTo("cus_Globex")));
        providers.verify(1, postRequestedFor(urlPathEqualTo("/calendar/v3/calendars")));
        providers.verify(2, postRequestedFor(urlPathEqualTo("/emails"))
                .withHeader("Idempotency-Key", equalTo("opsplane-" + id + ":email.welcome")));

        HttpResponse<String> again = call("/v1/executions/" + id + "/retry", adminKey, "");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(again.body()).path("code").asText()).isEqualTo("invalid_state");
    }

    @Test
    void aFailedOnboardingShowsWhatWasDoneAndWhatWasNot() throws Exception {
        providers.stubFor(post(urlPathEqualTo("/v1/customers")).withFormParam("metadata[tenantId]", equalTo("hooli"))
                .willReturn(okJson("{\"id\": \"cus_Hooli\", \"object\": \"customer\"}")));
        providers.stubFor(post(urlPathEqualTo("/v1/subscriptions")).withFormParam("customer", equalTo("cus_Hooli"))
                .willReturn(aResponse().withStatus(402).withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"code": "card_declined", "decline_code": "insufficient_funds", "type": "card_error",
                         "message": "Your card has insufficient funds."}}""")));

        String answer = call("/v1/executions", adminKey, "{\"tool\":\"tenant.onboard\",\"input\":"
                + "{\"tenantId\":\"hooli\",\"companyName\":\"Hooli\",\"adminEmail\":\"gavin@hooli.test\","
                + "\"priceId\":\"price_Pro\"}}").body();
        JsonNode failed = JSON.readTree(answer);

        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("error").path("code").asText()).isEqualTo("card_declined");
        assertThat(failed.path("steps")).extracting(s -> s.path("name").asText() + "=" + s.path("status").asText())
                .containsExactly("billing.customer=succeeded", "billing.subscription=failed",
                        "calendar.create=pending", "email.welcome=pending");
        assertThat(failed.path("steps").get(0).path("output").path("customerId").asText()).isEqualTo("cus_Hooli");
        // Told by the run from the events it appended, steps included: the same bytes as a read of the stream.
        assertThat(answer).isEqualTo(app.getBean(JsonMapper.class).writeValueAsString(
                app.getBean(ExecutionReader.class).read(failed.path("executionId").asText()).orElseThrow().view()));
        providers.verify(0, postRequestedFor(urlPathEqualTo("/emails"))
                .withRequestBody(matchingJsonPath("$.to[0]", equalTo("gavin@hooli.test"))));
    }

    @Test
    void fiftyConcurrentIdenticalRequestsSendOneEmail() throws Exception {
        providers.stubFor(post(urlPathEqualTo("/emails")).withRequestBody(matchingJsonPath("$.to[0]", equalTo("once@acme.test")))
                .willReturn(okJson("{\"id\": \"em_once\"}")));
        String key = "email-" + Instant.now().toEpochMilli();
        String body = "{\"tool\":\"email.send\",\"input\":{\"to\":[\"once@acme.test\"],\"subject\":\"Once\",\"text\":\"Only once\"}}";
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(() -> call("/v1/executions", adminKey, body, "Idempotency-Key", key));
        }
        Set<String> bodies = new HashSet<>();
        for (Future<HttpResponse<String>> result : pool.invokeAll(calls)) {
            assertThat(result.get().statusCode()).isEqualTo(200);
            bodies.add(result.get().body());
        }
        pool.shutdown();

        assertThat(bodies).hasSize(1);
        assertThat(JSON.readTree(bodies.iterator().next()).path("status").asText()).isEqualTo("succeeded");
        providers.verify(1, postRequestedFor(urlPathEqualTo("/emails"))
                .withRequestBody(matchingJsonPath("$.to[0]", equalTo("once@acme.test"))));
        HttpResponse<String> reused = call("/v1/executions", adminKey, body.replace("Only once", "Twice?"),
                "Idempotency-Key", key);
        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(reused.body()).path("code").asText()).isEqualTo("idempotency_key_reused");
    }

    @Test
    void aSecretInputIsInNoStoredEventAndNoResponse() throws Exception {
        HttpResponse<String> response = call("/v1/executions", adminKey, "{\"tool\":\"service.healthcheck\",\"input\":"
                + "{\"url\":\"" + providers.baseUrl() + "/nothing-here\",\"bearerToken\":\"tok-very-secret-42\"}}");

        JsonNode execution = JSON.readTree(response.body());
        assertThat(response.body()).doesNotContain("tok-very-secret-42");
        List<String> stored = app.getBean(EventStore.class).readEvents(execution.path("executionId").asText()).asStream()
                .map(event -> String.valueOf(event.getPayload())).toList();
        assertThat(stored).isNotEmpty().noneMatch(payload -> payload.contains("tok-very-secret-42"));
        assertThat(stored.get(0)).contains("bearerToken=[redacted]");
        providers.verify(1, getRequestedFor(urlPathEqualTo("/nothing-here"))
                .withHeader("Authorization", equalTo("Bearer tok-very-secret-42")));
    }

    @Test
    void aDeclaredToolRunsOnlyWithTheScopeItRequires() throws Exception {
        providers.stubFor(put(urlPathEqualTo("/app/maintenance")).willReturn(aResponse().withStatus(204)));
        String operator = issueKey("{\"name\":\"operator\",\"principal\":\"olga@example.com\",\"kind\":\"human\","
                + "\"scopes\":[\"tools:execute\",\"tools:plan\"]}");
        String body = "{\"tool\":\"app.maintenance.enable\",\"input\":{\"message\":\"back at 10\"}}";

        HttpResponse<String> refused = call("/v1/executions", operator, body);
        HttpResponse<String> planned = call("/v1/executions", operator, body.replace("{\"tool\"", "{\"mode\":\"plan\",\"tool\""));
        HttpResponse<String> ran = call("/v1/executions", adminKey, body);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(planned.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ran.body()).path("status").asText()).as(ran.body()).isEqualTo("succeeded");
        providers.verify(1, putRequestedFor(urlPathEqualTo("/app/maintenance"))
                .withHeader("Idempotency-Key", equalTo("opsplane-" + JSON.readTree(ran.body()).path("executionId").asText()
                        + ":request")));
        List<?> catalogue = app.getBean(EventStore.class).readEvents("catalog").asStream().toList();
        assertThat(catalogue).hasSize(1);
    }

    @Test
    void aBrokenToolsFileStopsTheStart() throws Exception {
        Path broken = Files.writeString(dataDir.resolve("broken-tools.yml"), """
                tools:
                  - name: app.flush
                    description: Flushes
                    riskLevel: extreme
                    inputSchema: {type: object}
                    request: {method: POST, url: "https://app.internal/flush"}
                """);

        assertThatThrownBy(() -> CommandSideApplication.builder().run("--server.port=0",
                "--spring.mongodb.uri=" + storeUri, "--opsplane.data-dir=" + dataDir,
                "--opsplane.tools.file=" + broken))
                .hasRootCauseInstanceOf(ToolsFileException.class)
                .rootCause().hasMessageContaining(broken + ":4:5: /tools/0/riskLevel");
    }

    private static String issueKey(String body) throws Exception {
        HttpResponse<String> response = call("/v1/api-keys", adminKey, body);
        assertThat(response.statusCode()).isEqualTo(201);
        String key = JSON.readTree(response.body()).path("key").asText();
        Credentials.awaitProjected(app, key);
        return key;
    }

    private static HttpResponse<String> call(String path, String key, String body, String... headers) throws Exception {
        return JsonPost.send(HTTP, base, path, key, body, headers);
    }
}
