package io.opsplane.command.connector.calendar;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.calendar.Calendar;
import com.google.api.services.calendar.CalendarScopes;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.opsplane.command.tool.ToolFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Google Calendar through Google's official API client, authenticated with a service account's key
 * (a signed JWT exchanged for an access token at the token endpoint). A key file that is missing
 * or unreadable leaves the connector unavailable with the reason, rather than stopping the start.
 */
public class GoogleCalendarConnector {

    private static final Logger log = LoggerFactory.getLogger(GoogleCalendarConnector.class);

    private final Calendar calendar;
    private final String unavailableReason;

    public GoogleCalendarConnector(GoogleCalendarProperties properties) {
        Calendar client = null;
        String reason = null;
        if (!properties.isConfigured()) {
            reason = "the Google Calendar connector has no credentials (set OPSPLANE_CONNECTORS_GOOGLE_CALENDAR_CREDENTIALS_FILE)";
        } else {
            try {
                client = client(properties);
            } catch (IOException | RuntimeException e) {
                reason = "the Google Calendar credentials file " + properties.credentialsFile()
                        + " cannot be used: " + e.getMessage();
                log.warn("Google Calendar connector unavailable: {}", reason);
            }
        }
        this.calendar = client;
        this.unavailableReason = reason;
    }

    public Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailableReason);
    }

    /** One Calendar call, with its failures turned into tool failures with stable codes. */
    public <T> T call(CalendarCall<T> call) throws ToolFailure {
        if (calendar == null) {
            throw new ToolFailure("connector_unavailable", unavailableReason);
        }
        try {
            return call.apply(calendar);
        } catch (GoogleJsonResponseException e) {
            throw failure(e.getStatusCode(), e.getDetails() == null ? e.getStatusMessage() : e.getDetails().getMessage());
        } catch (SocketTimeoutException e) {
            throw new ToolFailure("provider_unreachable", "no answer from Google Calendar in time");
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("access token")) {
                throw new ToolFailure("provider_auth_failed", "Google refused the service account: " + e.getMessage());
            }
            throw new ToolFailure("provider_unreachable", "cannot reach Google Calendar: " + e.getClass().getSimpleName());
        }
    }

    /** A call against the client. */
    @FunctionalInterface
    public interface CalendarCall<T> {
        T apply(Calendar calendar) throws IOException, ToolFailure;
    }

    /**
     * A Calendar event id derived from a step key: Calendar lets clients choose event ids (base32hex,
     * which hex digits are part of), and refuses a second event with the same id, which makes the
     * insert idempotent.
     */
    public static String eventIdFor(String stepKey) {
        return "ops" + sha256Hex(stepKey).substring(0, 40);
    }

    /** A marker for resources Calendar lets clients give no id to, such as calendars. */
    public static String markerFor(String stepKey) {
        return "opsplane-step:" + sha256Hex(stepKey).substring(0, 32);
    }

    static ToolFailure failure(int status, String message) {
        String detail = " (HTTP " + status + ")";
        if (status == 429 || (status == 403 && String.valueOf(message).toLowerCase().contains("rate limit"))) {
            return new ToolFailure("provider_rate_limited", "Google Calendar is rate limiting requests" + detail
                    + "; retry later");
        }
        if (status == 401 || status == 403) {
            return new ToolFailure("provider_auth_failed", "Google Calendar refused the request: " + message + detail);
        }
        if (status >= 500) {
            return new ToolFailure("provider_error", "Google Calendar failed: " + message + detail);
        }
        return new ToolFailure("provider_rejected", "Google Calendar rejected the request: " + message + detail);
    }

    private static Calendar client(GoogleCalendarProperties properties) throws IOException {
        GoogleCredentials credentials;
        try (InputStream key = Files.newInputStream(Path.of(properties.credentialsFile()))) {
            credentials = ServiceAccountCredentials.fromStream(key).toBuilder()
                    .setTokenServerUri(URI.create(properties.tokenUrl()))
                    .build()
                    .createScoped(List.of(CalendarScopes.CALENDAR));
        }
        HttpCredentialsAdapter authentication = new HttpCredentialsAdapter(credentials);
        int readTimeoutMs = (int) Math.min(Integer.MAX_VALUE, properties.readTimeout().toMillis());
        HttpRequestInitializer initializer = request -> {
            authentication.initialize(request);
            request.setConnectTimeout(10_000);
            request.setReadTimeout(readTimeoutMs);
            // Failures reach the execution; an explicit retry is the only repeat.
            request.setNumberOfRetries(0);
        };
        String root = properties.baseUrl().endsWith("/") ? properties.baseUrl() : properties.baseUrl() + "/";
        return new Calendar.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), initializer)
                .setRootUrl(root)
                .setApplicationName("opsplane")
                .build();
    }

    private static String sha256Hex(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
