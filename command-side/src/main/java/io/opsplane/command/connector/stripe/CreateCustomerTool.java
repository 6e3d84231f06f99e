package io.opsplane.command.connector.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.model.Customer;
import com.stripe.param.CustomerCreateParams;
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

/** {@code billing.customer.create}: creates a Stripe customer. */
public class CreateCustomerTool implements Tool {

    private final StripeConnector stripe;
    private final ToolDescriptor descriptor = ToolDescriptor.builder("billing.customer.create")
            .version("1.0.0")
            .description("Creates a customer in Stripe with an email, an optional name and description, and metadata.")
            .riskLevel(RiskLevel.MEDIUM)
            .inputSchema(Schemas.parse("""
            {"$schema": "https://json-schema.org/draft/2020-12/schema",
             "type": "object", "additionalProperties": false, "required": ["email"],
             "properties": {
               "email": {"type": "string", "format": "email", "maxLength": 512},
               "name": {"type": "string", "minLength": 1, "maxLength": 256},
               "description": {"type": "string", "maxLength": 1000},
               "metadata": {"type": "object", "maxProperties": 50,
                            "additionalProperties": {"type": "string", "maxLength": 500}}}}
            """))
            .outputSchema(Schemas.parse("""
            {"$schema": "https://json-schema.org/draft/2020-12/schema",
             "type": "object", "required": ["customerId"],
             "properties": {"customerId": {"type": "string"}, "email": {"type": "string"}}}
            """))
            .supportsPlan()
            .idempotent()
            .timeout(Duration.ofSeconds(30))
            .build();

    public CreateCustomerTool(StripeConnector stripe) {
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
        return List.of(effect(input));
    }

    static Effect effect(JsonNode input) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("email", input.path("email").asText());
        details.put("name", input.path("name").asText(null));
        details.put("metadata", StripeInputs.metadata(input));
        return new Effect("stripe.customer.create", "stripe:customers",
                "Create a Stripe customer for " + input.path("email").asText(), details);
    }

    @Override
    public Map<String, Object> run(JsonNode input, ToolContext context) throws ToolFailure {
        Customer customer = stripe.call(context.stepKey("customer"), (client, options) ->
                client.v1().customers().create(params(input), options));
        return Map.of("customerId", customer.getId(), "email", String.valueOf(customer.getEmail()));
    }

    static CustomerCreateParams params(JsonNode input) {
        CustomerCreateParams.Builder params = CustomerCreateParams.builder()
                .setEmail(input.path("email").asText())
                .putAllMetadata(StripeInputs.metadata(input));
        if (input.hasNonNull("name")) {
            params.setName(input.get("name").asText());
        }
        if (input.hasNonNull("description")) {
            params.setDescription(input.get("description").asText());
        }
        return params.build();
    }
}
