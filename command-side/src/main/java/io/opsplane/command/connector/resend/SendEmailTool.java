package io.opsplane.command.connector.resend;

import com.fasterxml.jackson.databind.JsonNode;
import com.resend.services.emails.model.CreateEmailOptions;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.tool.RiskLevel;
import io.opsplane.command.tool.Schemas;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolContext;
import io.opsplane.command.tool.ToolDescriptor;
import io.opsplane.command.tool.ToolFailure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code email.send}: sends one email through Resend. */
public class SendEmailTool implements Tool {

    private final ResendConnector resend;
    private final ToolDescriptor descriptor = ToolDescriptor.builder("email.send")
            .version("1.0.0")
            .description("Sends an email through Resend to up to 50 recipients, as text and/or HTML.")
            .riskLevel(RiskLevel.MEDIUM)
            .inputSchema(Schemas.parse("""
            {"$schema": "https://json-schema.org/draft/2020-12/schema",
             "type": "object", "additionalProperties": false, "required": ["to", "subject"],
             "anyOf": [{"required": ["text"]}, {"required": ["html"]}],
             "properties": {
               "to": {"type": "array", "minItems": 1, "maxItems": 50, "items": {"type": "string", "format": "email"}},
               "from": {"type": "string", "minLength": 3, "maxLength": 320,
                        "description": "the sender; the connector's configured sender when absent"},
               "subject": {"type": "string", "minLength": 1, "maxLength": 998},
               "text": {"type": "string", "maxLength": 100000},
               "html": {"type": "string", "maxLength": 100000}}}
            """))
            .outputSchema(Schemas.parse("""
            {"$schema": "https://json-schema.org/draft/2020-12/schema",
             "type": "object", "required": ["emailId"], "properties": {"emailId": {"type": "string"}}}
            """))
            .supportsPlan()
            .idempotent()
            .timeout(Duration.ofSeconds(30))
            .build();

    public SendEmailTool(ResendConnector resend) {
        this.resend = resend;
    }

    @Override
    public ToolDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Optional<String> unavailableReason() {
        return resend.unavailableReason();
    }

    @Override
    public List<Effect> plan(JsonNode input) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", from(input));
        details.put("subject", input.path("subject").asText());
        return List.of(new Effect("resend.email.send", String.join(",", recipients(input)),
                "Send the email '" + input.path("subject").asText() + "' to " + recipients(input).size()
                        + " recipient(s)", details));
    }

    @Override
    public Map<String, Object> run(JsonNode input, ToolContext context) throws ToolFailure {
        CreateEmailOptions.Builder email = CreateEmailOptions.builder()
                .from(from(input))
                .to(recipients(input))
                .subject(input.path("subject").asText());
        if (input.hasNonNull("text")) {
            email.text(input.get("text").asText());
        }
        if (input.hasNonNull("html")) {
            email.html(input.get("html").asText());
        }
        return Map.of("emailId", resend.send(email.build(), context.stepKey("email")));
    }

    private String from(JsonNode input) {
        return input.hasNonNull("from") ? input.get("from").asText() : resend.defaultFrom();
    }

    private static List<String> recipients(JsonNode input) {
        List<String> to = new ArrayList<>();
        input.path("to").forEach(address -> to.add(address.asText()));
        return to;
    }
}
