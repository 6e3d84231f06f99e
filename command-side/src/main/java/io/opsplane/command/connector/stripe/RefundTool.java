package io.opsplane.command.connector.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.model.Refund;
import com.stripe.param.RefundCreateParams;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.tool.ApprovalPolicy;
import io.opsplane.api.tool.ApprovalRule;
import io.opsplane.api.tool.ComparisonOp;
import io.opsplane.api.tool.RiskLevel;
import io.opsplane.command.tool.Schemas;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolContext;
import io.opsplane.command.tool.ToolDescriptor;
import io.opsplane.command.tool.ToolFailure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code billing.refund}: refunds part or all of a payment. The amount is required so that the
 * approval rules always see what leaves the account: one approval above one amount, two above a
 * higher one.
 */
public class RefundTool implements Tool {

    private final StripeConnector stripe;
    private final ToolDescriptor descriptor;

    public RefundTool(StripeConnector stripe, RefundProperties policy) {
        this.stripe = stripe;
        this.descriptor = ToolDescriptor.builder("billing.refund")
                .version("1.0.0")
                .description("Refunds an amount (in the currency's minor unit, e.g. cents) of a Stripe payment intent.")
                .riskLevel(RiskLevel.HIGH)
                .inputSchema(Schemas.parse("""
                {"$schema": "https://json-schema.org/draft/2020-12/schema",
                 "type": "object", "additionalProperties": false, "required": ["paymentIntent", "amount"],
                 "properties": {
                   "paymentIntent": {"type": "string", "pattern": "^pi_[A-Za-z0-9]+$",
                                     "description": "the payment intent to refund"},
                   "amount": {"type": "integer", "minimum": 1, "maximum": 99999999,
                              "description": "how much to refund, in the minor unit (cents)"},
                   "reason": {"enum": ["duplicate", "fraudulent", "requested_by_customer"]}}}
                """))
                .outputSchema(Schemas.parse("""
                {"$schema": "https://json-schema.org/draft/2020-12/schema",
                 "type": "object", "required": ["refundId", "status"],
                 "properties": {"refundId": {"type": "string"}, "status": {"type": "string"},
                                "amount": {"type": "integer"}, "currency": {"type": "string"}}}
                """))
                .supportsPlan()
                .idempotent()
                .destructive()
                .approval(new ApprovalPolicy(false, 0, List.of(
                        new ApprovalRule("/amount", ComparisonOp.GT, policy.approvalAbove(), 1),
                        new ApprovalRule("/amount", ComparisonOp.GT, policy.twoApprovalsAbove(), 2)), null))
                .timeout(Duration.ofSeconds(30))
                .build();
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
        details.put("amount", input.path("amount").asLong());
        details.put("reason", input.path("reason").asText(null));
        return List.of(new Effect("stripe.refund.create", input.path("paymentIntent").asText(),
                "Refund " + input.path("amount").asLong() + " (minor units) of " + input.path("paymentIntent").asText()
                        + "; money leaves the account", details));
    }

    @Override
    public Map<String, Object> run(JsonNode input, ToolContext context) throws ToolFailure {
        RefundCreateParams.Builder params = RefundCreateParams.builder()
                .setPaymentIntent(input.path("paymentIntent").asText())
                .setAmount(input.path("amount").asLong());
        if (input.hasNonNull("reason")) {
            params.setReason(RefundCreateParams.Reason.valueOf(input.get("reason").asText().toUpperCase(Locale.ROOT)));
        }
        Refund refund = stripe.call(context.stepKey("refund"), (client, options) ->
                client.v1().refunds().create(params.build(), options));
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("refundId", refund.getId());
        output.put("status", refund.getStatus());
        output.put("amount", refund.getAmount());
        output.put("currency", refund.getCurrency());
        return output;
    }
}
