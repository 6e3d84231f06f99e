package io.opsplane.command.connector.onboarding;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.services.calendar.model.CalendarListEntry;
import com.google.api.services.calendar.model.CalendarList;
import com.resend.services.emails.model.CreateEmailOptions;
import com.stripe.model.Customer;
import com.stripe.model.Subscription;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.SubscriptionCreateParams;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.tool.RiskLevel;
import io.opsplane.command.connector.calendar.GoogleCalendarConnector;
import io.opsplane.command.connector.resend.ResendConnector;
import io.opsplane.command.connector.stripe.StripeConnector;
import io.opsplane.command.tool.Schemas;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolContext;
import io.opsplane.command.tool.ToolDescriptor;
import io.opsplane.command.tool.ToolFailure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code tenant.onboard}: the canonical onboarding of a tenant in one call. Four recorded steps:
 * the Stripe customer, its subscription, the tenant's operations calendar and the welcome email.
 * Each step carries its own stable idempotency key, and a retry skips the steps that succeeded,
 * so a failure part-way leaves an exact record of what was done and what was not.
 */
public class TenantOnboardTool implements Tool {

    static final String CUSTOMER = "billing.customer";
    static final String SUBSCRIPTION = "billing.subscription";
    static final String CALENDAR = "calendar.create";
    static final String WELCOME = "email.welcome";

    private final StripeConnector stripe;
    private final GoogleCalendarConnector calendar;
    private final ResendConnector resend;
    private final ToolDescriptor descriptor = ToolDescriptor.builder("tenant.onboard")
            .version("1.0.0")
            .description("Onboards a tenant: creates its Stripe customer and subscription, its operations calendar and sends the"
                    + " welcome email, each a recorded step. A failed onboarding is resumed with"
                    + " POST /v1/executions/{id}/retry without repeating the steps that succeeded.")
            .riskLevel(RiskLevel.MEDIUM)
            .inputSchema(Schemas.parse("""
            {"$schema": "https://json-schema.org/draft/2020-12/schema",
             "type": "object", "additionalProperties": false,
             "required": ["tenantId", "companyName", "adminEmail", "priceId"],
             "properties": {
               "tenantId": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{1,62}$"},
               "companyName": {"type": "string", "minLength": 1, "maxLength": 200},
               "adminEmail": {"type": "string", "format": "email", "maxLength": 320},
               "priceId": {"type": "string", "pattern": "^price_[A-Za-z0-9]+$",
                           "description": "the Stripe price of the tenant's plan"},
               "timeZone": {"type": "string", "minLength": 1, "maxLength": 64,
                            "description": "IANA time zone of the tenant's calendar (default UTC)"}}}
            """))
            .outputSchema(Schemas.parse("""
            {"$schema": "https://json-schema.org/draft/2020-12/schema",
             "type": "object", "required": ["customerId", "subscriptionId", "calendarId", "welcomeEmailId"],
             "properties": {"customerId": {"type": "string"}, "subscriptionId": {"type": "string"},
                            "calendarId": {"type": "string"}, "welcomeEmailId": {"type": "string"}}}
            """))
            .supportsPlan()
            .idempotent()
            .timeout(Duration.ofSeconds(90))
            .build();

    public TenantOnboardTool(StripeConnector stripe, GoogleCalendarConnector calendar, ResendConnector resend) {
        this.stripe = stripe;
        this.calendar = calendar;
        this.resend = resend;
    }

    @Override
    public ToolDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Optional<String> unavailableReason() {
        String reasons = Stream.of(stripe.unavailableReason(), calendar.unavailableReason(), resend.unavailableReason())
                .flatMap(Optional::stream).collect(Collectors.joining("; "));
        return reasons.isEmpty() ? Optional.empty() : Optional.of(reasons);
    }

    @Override
    public List<String> steps() {
        return List.of(CUSTOMER, SUBSCRIPTION, CALENDAR, WELCOME);
    }

    @Override
    public List<Effect> plan(JsonNode input) {
        String tenant = input.path("tenantId").asText();
        return List.of(
                new Effect("stripe.customer.create", "stripe:customers",
                        "Create the Stripe customer for " + input.path("adminEmail").asText(),
                        details(CUSTOMER, "email", input.path("adminEmail").asText(), "tenantId", tenant)),
                new Effect("stripe.subscription.create", "stripe:subscriptions",
                        "Subscribe the new customer to " + input.path("priceId").asText(),
                        details(SUBSCRIPTION, "price", input.path("priceId").asText(), "tenantId", tenant)),
                new Effect("calendar.calendar.create", "google-calendar:calendars",
                        "Create the calendar '" + calendarName(input) + "'",
                        details(CALENDAR, "summary", calendarName(input), "timeZone", timeZone(input))),
                new Effect("resend.email.send", input.path("adminEmail").asText(),
                        "Send the welcome email to " + input.path("adminEmail").asText(),
                        details(WELCOME, "from", resend.defaultFrom(), "subject", welcomeSubject(input))));
    }

    @Override
    public Map<String, Object> run(JsonNode input, ToolContext context) throws ToolFailure {
        String tenant = input.path("tenantId").asText();
        Map<String, Object> customer = context.step(CUSTOMER, key -> {
            Customer created = stripe.call(key, (client, options) -> client.v1().customers().create(
                    CustomerCreateParams.builder()
                            .setEmail(input.path("adminEmail").asText())
                            .setName(input.path("companyName").asText())
                            .putMetadata("tenantId", tenant)
                            .build(), options));
            return Map.of("customerId", created.getId());
        });
        String customerId = String.valueOf(customer.get("customerId"));
        Map<String, Object> subscription = context.step(SUBSCRIPTION, key -> {
            Subscription created = stripe.call(key, (client, options) -> client.v1().subscriptions().create(
                    SubscriptionCreateParams.builder()
                            .setCustomer(customerId)
                            .addItem(SubscriptionCreateParams.Item.builder().setPrice(input.path("priceId").asText()).build())
                            .putMetadata("tenantId", tenant)
                            .build(), options));
            return Map.of("subscriptionId", created.getId(), "status", String.valueOf(created.getStatus()));
        });
        Map<String, Object> tenantCalendar = context.step(CALENDAR, key -> Map.of("calendarId",
                createCalendarOnce(input, GoogleCalendarConnector.markerFor(key))));
        Map<String, Object> welcome = context.step(WELCOME, key -> Map.of("emailId", resend.send(
                CreateEmailOptions.builder()
                        .from(resend.defaultFrom())
                        .to(input.path("adminEmail").asText())
                        .subject(welcomeSubject(input))
                        .text("Welcome to Opsplane, " + input.path("companyName").asText() + "!\n\n"
                                + "Your subscription is active and your operations calendar '" + calendarName(input)
                                + "' is ready.\n")
                        .build(), key)));
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("customerId", customerId);
        output.put("subscriptionId", subscription.get("subscriptionId"));
        output.put("calendarId", tenantCalendar.get("calendarId"));
        output.put("welcomeEmailId", welcome.get("emailId"));
        return output;
    }

    /**
     * Calendar lets clients choose no id for calendars, so the step marks the calendar it creates
     * and first looks for that mark: a step interrupted after Google created the calendar finds it
     * instead of creating a second one.
     */
    private String createCalendarOnce(JsonNode input, String marker) throws ToolFailure {
        return calendar.call(client -> {
            CalendarList existing = client.calendarList().list().setMaxResults(250).execute();
            if (existing.getItems() != null) {
                for (CalendarListEntry entry : existing.getItems()) {
                    if (entry.getDescription() != null && entry.getDescription().contains(marker)) {
                        return entry.getId();
                    }
                }
            }
            com.google.api.services.calendar.model.Calendar created = client.calendars().insert(
                    new com.google.api.services.calendar.model.Calendar()
                            .setSummary(calendarName(input))
                            .setDescription("Operations calendar of tenant " + input.path("tenantId").asText()
                                    + " (" + marker + ")")
                            .setTimeZone(timeZone(input))).execute();
            return created.getId();
        });
    }

    private static String calendarName(JsonNode input) {
        return input.path("companyName").asText() + " operations";
    }

    private static String timeZone(JsonNode input) {
        return input.hasNonNull("timeZone") ? input.get("timeZone").asText() : "UTC";
    }

    private static String welcomeSubject(JsonNode input) {
        return "Welcome to Opsplane, " + input.path("companyName").asText();
    }

    private static Map<String, Object> details(String step, String k1, Object v1, String k2, Object v2) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("step", step);
        details.put(k1, v1);
        details.put(k2, v2);
        return details;
    }
}
