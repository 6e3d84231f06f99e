package io.opsplane.command.connector.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.opsplane.command.tool.InMemorySteps;
import io.opsplane.command.tool.ToolFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Stripe tools through Stripe's own client against a local HTTP server answering as Stripe does. */
class StripeToolsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk_test_51Opsplane0000000000000000";
    private static WireMockServer stripe;
    private static StripeConnector connector;

    @BeforeAll
    static void start() {
        stripe = new WireMockServer(options().dynamicPort());
        stripe.start();
        connector = new StripeConnector(new StripeProperties(KEY, stripe.baseUrl(), Duration.ofMillis(800)));
    }

    @AfterAll
    static void stop() {
        stripe.stop();
    }

    @BeforeEach
    void reset() {
        stripe.resetAll();
    }

    private static JsonNode input(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void createsACustomerWithTheSecretKeyAndTheStepsIdempotencyKey() throws Exception {
        stripe.stubFor(post(urlEqualTo("/v1/customers")).willReturn(okJson("""
                {"id": "cus_QkX5bN2yVd9R1a", "object": "customer", "email": "ops@acme.test", "name": "Acme",
                 "metadata": {"tenantId": "acme"}, "livemode": false, "created": 1764000000}""")));

        Map<String, Object> output = new CreateCustomerTool(connector).run(
                input("{\"email\":\"ops@acme.test\",\"name\":\"Acme\",\"metadata\":{\"tenantId\":\"acme\"}}"),
                InMemorySteps.context("ex_1", new InMemorySteps()));

        assertThat(output).containsEntry("customerId", "cus_QkX5bN2yVd9R1a");
        stripe.verify(1, postRequestedFor(urlEqualTo("/v1/customers"))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withHeader("Idempotency-Key", equalTo("opsplane-ex_1:customer"))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded;charset=UTF-8"))
                .withFormParam("email", equalTo("ops@acme.test"))
                .withFormParam("name", equalTo("Acme"))
                .withFormParam("metadata[tenantId]", equalTo("acme")));
    }

    @Test
    void refundsTheGivenAmountOfAPaymentIntent() throws Exception {
        stripe.stubFor(post(urlEqualTo("/v1/refunds")).willReturn(okJson("""
                {"id": "re_3Pq1Z2eZvKYlo2C0", "object": "refund", "amount": 2500, "currency": "eur",
                 "payment_intent": "pi_3Pq1Z2eZvKYlo2C0", "reason": "requested_by_customer", "status": "succeeded"}""")));

        Map<String, Object> output = new RefundTool(connector, new RefundProperties(50_000, 500_000)).run(
                input("{\"paymentIntent\":\"pi_3Pq1Z2eZvKYlo2C0\",\"amount\":2500,\"reason\":\"requested_by_customer\"}"),
                InMemorySteps.context("ex_2", new InMemorySteps()));

        assertThat(output).containsEntry("refundId", "re_3Pq1Z2eZvKYlo2C0").containsEntry("status", "succeeded")
                .containsEntry("amount", 2500L).containsEntry("currency", "eur");
        stripe.verify(1, postRequestedFor(urlEqualTo("/v1/refunds"))
                .withHeader("Idempotency-Key", equalTo("opsplane-ex_2:refund"))
                .withFormParam("payment_intent", equalTo("pi_3Pq1Z2eZvKYlo2C0"))
                .withFormParam("amount", equalTo("2500"))
                .withFormParam("reason", equalTo("requested_by_customer")));
    }

    @Test
    void cancelsASubscription() throws Exception {
        stripe.stubFor(delete(urlPathEqualTo("/v1/subscriptions/sub_1MowQVLkdIwHu7ix"))
                .willReturn(okJson("""
                        {"id": "sub_1MowQVLkdIwHu7ix", "object": "subscription", "status": "canceled",
                         "customer": "cus_NffrFeUfNV2Hib", "canceled_at": 1764000000}""")));

        Map<String, Object> output = new CancelSubscriptionTool(connector).run(
                input("{\"subscriptionId\":\"sub_1MowQVLkdIwHu7ix\"}"), InMemorySteps.context("ex_3", new InMemorySteps()));

        assertThat(output).containsEntry("status", "canceled");
        stripe.verify(1, deleteRequestedFor(urlPathEqualTo("/v1/subscriptions/sub_1MowQVLkdIwHu7ix"))
                .withQueryParam("invoice_now", equalTo("false"))
                .withQueryParam("prorate", equalTo("false"))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withHeader("Idempotency-Key", equalTo("opsplane-ex_3:cancel")));
    }

    @Test
    void aRejectedRequestIsAProviderRejectionWithStripesMessage() throws Exception {
        stripe.stubFor(post(urlEqualTo("/v1/refunds")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"code": "charge_already_refunded", "type": "invalid_request_error",
                         "message": "Charge ch_3Pq1 has already been refunded.", "request_log_url": "https://x"}}""")));

        assertThatThrownBy(() -> refund("ex_4"))
                .isInstanceOfSatisfying(ToolFailure.class, f -> {
                    assertThat(f.code()).isEqualTo("provider_rejected");
                    assertThat(f.getMessage()).contains("already been refunded").contains("HTTP 400");
                });
    }

    @Test
    void rateLimitingByStripeIsReportedAsSuch() {
        stripe.stubFor(post(urlEqualTo("/v1/refunds")).willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"code": "rate_limit", "type": "invalid_request_error",
                         "message": "Too many requests hit the API too quickly."}}""")));

        assertThatThrownBy(() -> refund("ex_5"))
                .isInstanceOfSatisfying(ToolFailure.class, f -> assertThat(f.code()).isEqualTo("provider_rate_limited"));
        stripe.verify(1, postRequestedFor(urlEqualTo("/v1/refunds")));
    }

    @Test
    void aServerErrorIsAProviderError() {
        stripe.stubFor(post(urlEqualTo("/v1/refunds")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"type": "api_error", "message": "An unknown error occurred"}}""")));

        assertThatThrownBy(() -> refund("ex_6"))
                .isInstanceOfSatisfying(ToolFailure.class, f -> assertThat(f.code()).isEqualTo("provider_error"));
    }

    @Test
    void badCredentialsAreAnAuthenticationFailure() {
        stripe.stubFor(post(urlEqualTo("/v1/refunds")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided: sk_test_****0000"}}""")));

        assertThatThrownBy(() -> refund("ex_7"))
                .isInstanceOfSatisfying(ToolFailure.class, f -> assertThat(f.code()).isEqualTo("provider_auth_failed"));
    }

    @Test
    void noAnswerInTimeIsProviderUnreachable() {
        stripe.stubFor(post(urlEqualTo("/v1/refunds")).willReturn(okJson("{\"id\": \"re_late\", \"object\": \"refund\"}")
                .withFixedDelay(2_000)));

        assertThatThrownBy(() -> refund("ex_8"))
                .isInstanceOfSatisfying(ToolFailure.class, f -> assertThat(f.code()).isEqualTo("provider_unreachable"));
    }

    @Test
    void withoutAnApiKeyTheToolsAreUnavailableButStillPlan() throws Exception {
        StripeConnector unconfigured = new StripeConnector(new StripeProperties(null, "https://api.stripe.com",
                Duration.ofSeconds(1)));
        RefundTool refund = new RefundTool(unconfigured, new RefundProperties(50_000, 500_000));

        assertThat(refund.unavailableReason()).contains(StripeConnector.NOT_CONFIGURED);
        assertThat(refund.plan(input("{\"paymentIntent\":\"pi_1\",\"amount\":100}"))).hasSize(1);
    }

    private static void refund(String executionId) throws Exception {
        new RefundTool(connector, new RefundProperties(50_000, 500_000)).run(
                input("{\"paymentIntent\":\"pi_3Pq1Z2eZvKYlo2C0\",\"amount\":2500}"),
                InMemorySteps.context(executionId, new InMemorySteps()));
    }
}
