package io.opsplane.command.connector.resend;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * The Resend connector. Without an API key its tools are listed unavailable and only plan.
 *
 * @param apiKey      the API key ({@code OPSPLANE_CONNECTORS_RESEND_API_KEY}); unset disables the connector
 * @param baseUrl     the API base ({@code OPSPLANE_CONNECTORS_RESEND_BASE_URL}), Resend's by default
 * @param from        the sender of emails whose input names none ({@code OPSPLANE_CONNECTORS_RESEND_FROM})
 * @param readTimeout how long to wait for Resend's answer to one request
 */
@ConfigurationProperties("opsplane.connectors.resend")
public record ResendProperties(
        String apiKey,
        @DefaultValue("https://api.resend.com") String baseUrl,
        @DefaultValue("Opsplane <onboarding@resend.dev>") String from,
        @DefaultValue("20s") Duration readTimeout) {

    boolean isConfigured() {
        return apiKey != null && !apiKey.isBlank();
    }
}
