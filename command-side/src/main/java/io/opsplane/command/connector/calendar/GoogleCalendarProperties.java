package io.opsplane.command.connector.calendar;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * The Google Calendar connector, authenticated as a service account.
 *
 * @param credentialsFile the service account's JSON key file
 *                        ({@code OPSPLANE_CONNECTORS_GOOGLE_CALENDAR_CREDENTIALS_FILE}); unset disables the connector
 * @param baseUrl         the Google API root ({@code OPSPLANE_CONNECTORS_GOOGLE_CALENDAR_BASE_URL}); the client
 *                        adds {@code calendar/v3/}
 * @param tokenUrl        the OAuth token endpoint ({@code OPSPLANE_CONNECTORS_GOOGLE_CALENDAR_TOKEN_URL})
 * @param readTimeout     how long to wait for Google's answer to one request
 */
@ConfigurationProperties("opsplane.connectors.google-calendar")
public record GoogleCalendarProperties(
        String credentialsFile,
        @DefaultValue("https://www.googleapis.com/") String baseUrl,
        @DefaultValue("https://oauth2.googleapis.com/token") String tokenUrl,
        @DefaultValue("20s") Duration readTimeout) {

    boolean isConfigured() {
        return credentialsFile != null && !credentialsFile.isBlank();
    }
}
