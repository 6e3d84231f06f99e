package io.opsplane.command.connector.stripe;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * The Stripe connector. Without an API key its tools are listed unavailable and only plan.
 *
 * @param apiKey      the secret key ({@code OPSPLANE_CONNECTORS_STRIPE_API_KEY}); unset disables the connector
 * @param baseUrl     the API base ({@code OPSPLANE_CONNECTORS_STRIPE_BASE_URL}), Stripe's by default
 * @param readTimeout how long to wait for Stripe's answer to one request
 */
@ConfigurationProperties("opsplane.connectors.stripe")
public record StripeProperties(
        String apiKey,
        @DefaultValue("https://api.stripe.com") String baseUrl,
        @DefaultValue("20s") Duration readTimeout) {

    boolean isConfigured() {
        return apiKey != null && !apiKey.isBlank();
    }
}
