package io.opsplane.command.connector.resend;

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
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code email.send} through Resend's own client against a local HTTP server answering as Resend does. */
class SendEmailToolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "re_123456789_OpsplaneTestKey";
    private static WireMockServer resend;
    private static SendEmailTool tool;

    @BeforeAll
    static void start() {
        resend = new WireMockServer(options().dynamicPort());
        resend.start();
        tool = new SendEmailTool(new ResendConnector(new ResendProperties(KEY, resend.baseUrl(),
                "Opsplane <ops@opsplane.test>", Duration.ofMillis(3_000))));
    }

    @AfterAll
    static void stop() {
        resend.stop();
    }

    @BeforeEach
    void reset() {
        resend.resetAll();
    }

    private static JsonNode input(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void sendsTheEmailWithTheApiKeyAndTheStepsIdempotencyKey() throws Exception {
        resend.stubFor(post(urlEqualTo("/emails")).willReturn(okJson("{\"id\": \"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794\"}")));

        Map<String, Object> output = tool.run(input("""
                {"to": ["ada@acme.test"], "subject": "Maintenance tonight", "text": "We restart at 22:00 UTC."}"""),
                InMemorySteps.context("ex_1", new InMemorySteps()));

        assertThat(output).containsEntry("emailId", "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794");
        resend.verify(1, postRequestedFor(urlEqualTo("/emails"))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withHeader("Idempotency-Key", equalTo("opsplane-ex_1:email"))
                .withRequestBody(equalToJson("""
                        {"from": "Opsplane <ops@opsplane.test>", "to": ["ada@acme.test"],
                         "subject": "Maintenance tonight", "text": "We restart at 22:00 UTC."}""", true, true)));
    }

    @Test
    void aValidationErrorIsAProviderRejection() {
        resend.stubFor(post(urlEqualTo("/emails")).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"statusCode": 422, "name": "validation_error",
                         "message": "Invalid `from` field. The email address needs to follow the `email@example.com` format."}""")));

        assertThatThrownBy(this::send).isInstanceOfSatisfying(ToolFailure.class, f -> {
            assertThat(f.code()).isEqualTo("provider_rejected");
            assertThat(f.getMessage()).contains("HTTP 422");
        });
    }

    @Test
    void rateLimitingByResendIsReportedAsSuch() {
        resend.stubFor(post(urlEqualTo("/emails")).willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json").withHeader("retry-after", "1").withBody("""
                        {"statusCode": 429, "name": "rate_limit_exceeded",
                         "message": "Too many requests. You can only make 2 requests per second."}""")));

        assertThatThrownBy(this::send).isInstanceOfSatisfying(ToolFailure.class,
                f -> assertThat(f.code()).isEqualTo("provider_rate_limited"));
    }

    @Test
    void aServerErrorIsAProviderError() {
        resend.stubFor(post(urlEqualTo("/emails")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"statusCode": 500, "name": "application_error", "message": "An unexpected error occurred."}""")));

        assertThatThrownBy(this::send).isInstanceOfSatisfying(ToolFailure.class,
                f -> assertThat(f.code()).isEqualTo("provider_error"));
    }

    @Test
    void aKeyReusedWithAnotherEmailIsAnIdempotencyConflict() {
        resend.stubFor(post(urlEqualTo("/emails")).willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"statusCode": 409, "name": "invalid_idempotent_request",
                         "message": "Same idempotency key used with a different request payload."}""")));

        assertThatThrownBy(this::send).isInstanceOfSatisfying(ToolFailure.class,
                f -> assertThat(f.code()).isEqualTo("idempotency_conflict"));
    }

    @Test
    void noAnswerInTimeIsProviderUnreachable() {
        resend.stubFor(post(urlEqualTo("/emails")).willReturn(okJson("{\"id\": \"late\"}").withFixedDelay(6_000)));

        assertThatThrownBy(this::send).isInstanceOfSatisfying(ToolFailure.class,
                f -> assertThat(f.code()).isEqualTo("provider_unreachable"));
    }

    @Test
    void withoutAnApiKeyTheToolIsUnavailable() {
        SendEmailTool unconfigured = new SendEmailTool(new ResendConnector(new ResendProperties("", "https://api.resend.com",
                "x <x@x.test>", Duration.ofSeconds(1))));

        assertThat(unconfigured.unavailableReason()).contains(ResendConnector.NOT_CONFIGURED);
    }

    private void send() throws Exception {
        tool.run(input("{\"to\": [\"ada@acme.test\"], \"subject\": \"Hi\", \"html\": \"<p>Hi</p>\"}"),
                InMemorySteps.context("ex_2", new InMemorySteps()));
    }
}
