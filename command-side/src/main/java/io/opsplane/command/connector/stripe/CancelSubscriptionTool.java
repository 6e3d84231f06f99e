package io.opsplane.command.connector.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.model.Subscription;
import com.stripe.param.SubscriptionCancelParams;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.tool.RiskLevel;
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

/** {@code billing.subscription.cancel}: cancels a Stripe subscription at once. */
public class CancelSubscriptionTool implements Tool {

    private final StripeConnector stripe;
    private final ToolDescriptor descriptor = ToolDescriptor.builder("billing.subscription.cancel")
            .version("1.0.0")
            .description("Cancels a Stripe subscription immediately, optionally invoicing pending usage and prorating.")
            .riskLevel(RiskLevel.HIGH)
            .inputSchema(Schemas.parse("""
            {"$schema": "https://json-schema.org/draft/2020-12/schema",
             "type": "object", "additionalProperties": false, "required": ["subscriptionId"],
             "properties": {
               "subscriptionId": {"type": "string", "pattern": "^sub_[A-Za-z0-9]+$"},
               "invoiceNow": {"type": "boolean", "description": "invoice pending usage now (default false)"},
               "prorate": {"type": "boolean", "description": "credit unused time (default false)"}}}
            """))
            .outputSchema(Schemas.parse("""
            {"$schema": "https://json-schema.org/draft/2020-12/schema",
             "type": "object", "required": ["subscriptionId", "status"],
             "properties": {"subscriptionId": {"type": "string"}, "status": {"type": "string"}}}
            """))
            .supportsPlan()
            .idempotent()
            .destructive()
            .timeout(Duration.ofSeconds(30))
            .build();

    public CancelSubscriptionTool(StripeConnector stripe) {
        this.stripe = stripe;
    }

    @Override
    public ToolDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Optional<String> unavailableReason() {
        return stripe.unavailableReason();
    }

    @Override
    public List<Effect> plan(JsonNode input) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("invoiceNow", input.path("invoiceNow").asBoolean(false));
        details.put("prorate", input.path("prorate").asBoolean(false));
        return List.of(new Effect("stripe.subscription.cancel", input.path("subscriptionId").asText(),
                "Cancel subscription " + input.path("subscriptionId").asText() + " now; the customer loses access",
                details));
    }

    @Override
    public Map<String, Object> run(JsonNode input, ToolContext context) throws ToolFailure {
        SubscriptionCancelParams params = SubscriptionCancelParams.builder()
                .setInvoiceNow(input.path("invoiceNow").asBoolean(false))
                .setProrate(input.path("prorate").asBoolean(false))
                .build();
        Subscription subscription = stripe.call(context.stepKey("cancel"), (client, options) ->
                client.v1().subscriptions().cancel(input.path("subscriptionId").asText(), params, options));
        return Map.of("subscriptionId", subscription.getId(), "status", String.valueOf(subscription.getStatus()));
    }
}
