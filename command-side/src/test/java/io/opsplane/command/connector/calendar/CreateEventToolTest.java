package io.opsplane.command.connector.calendar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.opsplane.command.tool.InMemorySteps;
import io.opsplane.command.tool.ToolFailure;
import io.opsplane.platform.problem.InvalidInputException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code calendar.event.create} through Google's own client, authenticated with a service account
 * key, against a local HTTP server answering as Google's token endpoint and Calendar API do.
 */
class CreateEventToolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENTS = "/calendar/v3/calendars/ops-calendar-1/events";

    @TempDir
    static Path keys;
    private static WireMockServer google;
    private static Path key;
    private CreateEventTool tool;

    @BeforeAll
    static void start() throws Exception {
        google = new WireMockServer(options().dynamicPort());
        google.start();
        key = ServiceAccountKeys.write(keys, google.baseUrl() + "/token");
    }

    @AfterAll
    static void stop() {
        google.stop();
    }

    @BeforeEach
    void reset() {
        // A new connector per test: the client caches its access token.
        tool = new CreateEventTool(new GoogleCalendarConnector(new GoogleCalendarProperties(key.toString(),
                google.baseUrl() + "/", google.baseUrl() + "/token", Duration.ofMillis(800))));
        google.resetAll();
        google.stubFor(post(urlPathEqualTo("/token")).willReturn(okJson("""
                {"access_token": "ya29.c.b0AXv0zTOpsplaneTestToken", "expires_in": 3599, "token_type": "Bearer"}""")));
    }

    private static JsonNode input() throws Exception {
        return JSON.readTree("""
                {"calendarId": "ops-calendar-1", "summary": "Database failover drill",
                 "start": "2026-12-01T09:00:00Z", "end": "2026-12-01T10:00:00+01:00"}""");
    }

    @Test
    void createsTheEventWithAServiceAccountTokenAndAnIdDerivedFromTheStepKey() throws Exception {
        String eventId = GoogleCalendarConnector.eventIdFor("opsplane-ex_1:event");
        google.stubFor(post(urlPathEqualTo(EVENTS)).willReturn(okJson("""
                {"kind": "calendar#event", "id": "%s", "status": "confirmed",
                 "htmlLink": "https://www.google.com/calendar/event?eid=b3Bz", "summary": "Database failover drill"}"""
                .formatted(eventId))));

        Map<String, Object> output = tool.run(input(), InMemorySteps.context("ex_1", new InMemorySteps()));

        assertThat(output).containsEntry("eventId", eventId).containsEntry("status", "confirmed");
        google.verify(1, postRequestedFor(urlPathEqualTo("/token"))
                .withFormParam("grant_type", equalTo("urn:ietf:params:oauth:grant-type:jwt-bearer"))
                .withFormParam("assertion", containing(".")));
        google.verify(1, postRequestedFor(urlPathEqualTo(EVENTS))
                .withHeader("Authorization", equalTo("Bearer ya29.c.b0AXv0zTOpsplaneTestToken"))
                .withRequestBody(matchingJsonPath("$.id", equalTo(eventId)))
                .withRequestBody(matchingJsonPath("$.summary", equalTo("Database failover drill")))
                .withRequestBody(matchingJsonPath("$.start.dateTime", containing("2026-12-01T09:00:00"))));
    }

    @Test
    void aRepeatedStepFindsTheEventItCreatedBefore() throws Exception {
        String eventId = GoogleCalendarConnector.eventIdFor("opsplane-ex_2:event");
        google.stubFor(post(urlPathEqualTo(EVENTS)).willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"code": 409, "message": "The requested identifier already exists.",
                         "errors": [{"domain": "global", "reason": "duplicate", "message": "The requested identifier already exists."}]}}""")));
        google.stubFor(get(urlPathMatching(EVENTS + "/" + eventId)).willReturn(okJson("""
                {"kind": "calendar#event", "id": "%s", "status": "confirmed", "htmlLink": "https://x"}""".formatted(eventId))));

        Map<String, Object> output = tool.run(input(), InMemorySteps.context("ex_2", new InMemorySteps()));

        assertThat(output).containsEntry("eventId", eventId);
    }

    @Test
    void rateLimitingByGoogleIsReportedAsSuch() {
        google.stubFor(post(urlPathEqualTo(EVENTS)).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"code": 403, "message": "Rate Limit Exceeded",
                         "errors": [{"domain": "usageLimits", "reason": "rateLimitExceeded", "message": "Rate Limit Exceeded"}]}}""")));

        assertThatThrownBy(() -> tool.run(input(), InMemorySteps.context("ex_3", new InMemorySteps())))
                .isInstanceOfSatisfying(ToolFailure.class, f -> assertThat(f.code()).isEqualTo("provider_rate_limited"));
    }

    @Test
    void aServerErrorIsAProviderError() {
        google.stubFor(post(urlPathEqualTo(EVENTS)).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"code": 503, "message": "The service is currently unavailable."}}""")));

        assertThatThrownBy(() -> tool.run(input(), InMemorySteps.context("ex_4", new InMemorySteps())))
                .isInstanceOfSatisfying(ToolFailure.class, f -> assertThat(f.code()).isEqualTo("provider_error"));
    }

    @Test
    void aRefusedServiceAccountIsAnAuthenticationFailure() {
        google.stubFor(post(urlPathEqualTo("/token")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\": \"invalid_grant\", \"error_description\": \"Invalid JWT Signature.\"}")));

        assertThatThrownBy(() -> tool.run(input(), InMemorySteps.context("ex_5", new InMemorySteps())))
                .isInstanceOfSatisfying(ToolFailure.class, f -> assertThat(f.code()).isEqualTo("provider_auth_failed"));
    }

    @Test
    void noAnswerInTimeIsProviderUnreachable() {
        google.stubFor(post(urlPathEqualTo(EVENTS)).willReturn(okJson("{}").withFixedDelay(2_000)));

        assertThatThrownBy(() -> tool.run(input(), InMemorySteps.context("ex_6", new InMemorySteps())))
                .isInstanceOfSatisfying(ToolFailure.class, f -> assertThat(f.code()).isEqualTo("provider_unreachable"));
    }

    @Test
    void refusesAnEndBeforeTheStart() throws Exception {
        JsonNode backwards = JSON.readTree("""
                {"calendarId": "c", "summary": "s", "start": "2026-12-01T10:00:00Z", "end": "2026-12-01T09:00:00Z"}""");

        assertThatThrownBy(() -> tool.checkInput(backwards)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void anUnreadableKeyFileLeavesTheConnectorUnavailableWithTheReason() {
        GoogleCalendarConnector broken = new GoogleCalendarConnector(new GoogleCalendarProperties(
                keys.resolve("missing.json").toString(), "https://www.googleapis.com/", "https://oauth2.googleapis.com/token",
                Duration.ofSeconds(1)));

        assertThat(broken.unavailableReason()).hasValueSatisfying(reason -> assertThat(reason).contains("missing.json"));
    }
}
