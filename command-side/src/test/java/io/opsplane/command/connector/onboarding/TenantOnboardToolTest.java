package io.opsplane.command.connector.onboarding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.opsplane.api.execution.Effect;
import io.opsplane.command.connector.calendar.GoogleCalendarConnector;
import io.opsplane.command.connector.calendar.GoogleCalendarProperties;
import io.opsplane.command.connector.calendar.ServiceAccountKeys;
import io.opsplane.command.connector.resend.ResendConnector;
import io.opsplane.command.connector.resend.ResendProperties;
import io.opsplane.command.connector.stripe.StripeConnector;
import io.opsplane.command.connector.stripe.StripeProperties;
import io.opsplane.command.tool.InMemorySteps;
import io.opsplane.command.tool.ToolContext;
import io.opsplane.command.tool.ToolFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code tenant.onboard}: four recorded steps against Stripe, Google Calendar and Resend stand-ins. */
class TenantOnboardToolTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path keys;
    private WireMockServer providers;
    private TenantOnboardTool tool;

    @BeforeEach
    void start() throws Exception {
        providers = new WireMockServer(options().dynamicPort());
        providers.start();
        String base = providers.baseUrl();
        Path key = ServiceAccountKeys.write(keys, base + "/token");
        tool = new TenantOnboardTool(
                new StripeConnector(new StripeProperties("sk_test_onboarding", base, Duration.ofSeconds(2))),
                new GoogleCalendarConnector(new GoogleCalendarProperties(key.toString(), base + "/", base + "/token",
                        Duration.ofSeconds(2))),
                new ResendConnector(new ResendProperties("re_onboarding", base, "Opsplane <hello@opsplane.test>",
                        Duration.ofSeconds(2))));
        providers.stubFor(post(urlPathEqualTo("/token")).willReturn(okJson(
                "{\"access_token\": \"ya29.onboarding\", \"expires_in\": 3599, \"token_type\": \"Bearer\"}")));
        providers.stubFor(post(urlPathEqualTo("/v1/customers")).willReturn(okJson(
                "{\"id\": \"cus_Acme01\", \"object\": \"customer\", \"email\": \"ada@acme.test\"}")));
        providers.stubFor(post(urlPathEqualTo("/v1/subscriptions")).willReturn(okJson(
                "{\"id\": \"sub_Acme01\", \"object\": \"subscription\", \"status\": \"active\", \"customer\": \"cus_Acme01\"}")));
        providers.stubFor(get(urlPathEqualTo("/calendar/v3/users/me/calendarList")).willReturn(okJson(
                "{\"kind\": \"calendar#calendarList\", \"items\": []}")));
        providers.stubFor(post(urlPathEqualTo("/calendar/v3/calendars")).willReturn(okJson(
                "{\"kind\": \"calendar#calendar\", \"id\": \"c_acme@group.calendar.google.com\", \"summary\": \"Acme operations\"}")));
    }

    @AfterEach
    void stop() {
        providers.stop();
    }

    private static JsonNode input() throws Exception {
        return JSON.readTree("""
                {"tenantId": "acme", "companyName": "Acme", "adminEmail": "ada@acme.test", "priceId": "price_Team01",
                 "timeZone": "Europe/Berlin"}""");
    }

    @Test
    void itsPlanListsEveryStepWithoutCallingAnyProvider() throws Exception {
        List<Effect> plan = tool.plan(input());

        assertThat(plan).extracting(e -> e.details().get("step"))
                .containsExactly("billing.customer", "billing.subscription", "calendar.create", "email.welcome");
        assertThat(providers.getAllServeEvents()).isEmpty();
    }

    @Test
    void aFailedStepIsResumedWithoutRepeatingTheStepsThatSucceeded() throws Exception {
        providers.stubFor(post(urlPathEqualTo("/emails")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"statusCode\": 500, \"name\": \"application_error\", \"message\": \"Unexpected error\"}")));
        InMemorySteps steps = new InMemorySteps();
        ToolContext context = InMemorySteps.context("ex_onboard", steps);

        assertThatThrownBy(() -> tool.run(input(), context))
                .isInstanceOfSatisfying(ToolFailure.class, f -> assertThat(f.code()).isEqualTo("provider_error"));
        assertThat(steps.succeeded).containsOnlyKeys("billing.customer", "billing.subscription", "calendar.create");
        assertThat(steps.failed).containsOnlyKeys("email.welcome");

        providers.stubFor(post(urlPathEqualTo("/emails")).willReturn(okJson("{\"id\": \"em_welcome_01\"}")));
        Map<String, Object> output = tool.run(input(), context);

        assertThat(output).containsEntry("customerId", "cus_Acme01").containsEntry("subscriptionId", "sub_Acme01")
                .containsEntry("calendarId", "c_acme@group.calendar.google.com").containsEntry("welcomeEmailId", "em_welcome_01");
        providers.verify(1, postRequestedFor(urlPathEqualTo("/v1/customers"))
                .withHeader("Idempotency-Key", equalTo("opsplane-ex_onboard:billing.customer"))
                .withFormParam("metadata[tenantId]", equalTo("acme")));
        providers.verify(1, postRequestedFor(urlPathEqualTo("/v1/subscriptions"))
                .withHeader("Idempotency-Key", equalTo("opsplane-ex_onboard:billing.subscription"))
                .withFormParam("customer", equalTo("cus_Acme01"))
                .withFormParam("items[0][price]", equalTo("price_Team01")));
        providers.verify(1, postRequestedFor(urlPathEqualTo("/calendar/v3/calendars"))
                .withHeader("Authorization", equalTo("Bearer ya29.onboarding"))
                .withRequestBody(matchingJsonPath("$.timeZone", equalTo("Europe/Berlin")))
                .withRequestBody(matchingJsonPath("$.description", containing("opsplane-step:"))));
        providers.verify(2, postRequestedFor(urlPathEqualTo("/emails"))
                .withHeader("Idempotency-Key", equalTo("opsplane-ex_onboard:email.welcome"))
                .withRequestBody(matchingJsonPath("$.to[0]", equalTo("ada@acme.test"))));
    }

    @Test
    void aCalendarCreatedByAnInterruptedStepIsFoundInsteadOfCreatedAgain() throws Exception {
        String marker = GoogleCalendarConnector.markerFor("opsplane-ex_found:calendar.create");
        providers.stubFor(get(urlPathEqualTo("/calendar/v3/users/me/calendarList")).willReturn(okJson("""
                {"kind": "calendar#calendarList", "items": [{"id": "c_existing@group.calendar.google.com",
                 "summary": "Acme operations", "description": "Operations calendar of tenant acme (%s)"}]}""".formatted(marker))));
        providers.stubFor(post(urlPathEqualTo("/emails")).willReturn(okJson("{\"id\": \"em_2\"}")));

        Map<String, Object> output = tool.run(input(), InMemorySteps.context("ex_found", new InMemorySteps()));

        assertThat(output).containsEntry("calendarId", "c_existing@group.calendar.google.com");
        providers.verify(0, postRequestedFor(urlPathEqualTo("/calendar/v3/calendars")));
        providers.verify(1, getRequestedFor(urlPathEqualTo("/calendar/v3/users/me/calendarList")));
    }

    @Test
    void isUnavailableNamingEveryConnectorWithoutCredentials() {
        TenantOnboardTool unconfigured = new TenantOnboardTool(
                new StripeConnector(new StripeProperties(null, "https://api.stripe.com", Duration.ofSeconds(1))),
                new GoogleCalendarConnector(new GoogleCalendarProperties(null, "https://www.googleapis.com/",
                        "https://oauth2.googleapis.com/token", Duration.ofSeconds(1))),
                new ResendConnector(new ResendProperties(null, "https://api.resend.com", "x <x@x.test>", Duration.ofSeconds(1))));

        assertThat(unconfigured.unavailableReason()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("OPSPLANE_CONNECTORS_STRIPE_API_KEY", "OPSPLANE_CONNECTORS_GOOGLE_CALENDAR_CREDENTIALS_FILE",
                        "OPSPLANE_CONNECTORS_RESEND_API_KEY"));
    }
}
