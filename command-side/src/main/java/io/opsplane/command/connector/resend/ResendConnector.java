package io.opsplane.command.connector.resend;

import com.resend.core.exception.ResendException;
import com.resend.core.net.IHttpClient;
import com.resend.core.net.RequestOptions;
import com.resend.services.emails.Emails;
import com.resend.services.emails.model.CreateEmailOptions;
import io.opsplane.command.tool.ToolFailure;

import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.net.SocketTimeoutException;
import java.util.Optional;

/**
 * Resend through Resend's official Java client. Every send carries an {@code Idempotency-Key}, so
 * a step that runs again is answered with the first email instead of a second one.
 */
public class ResendConnector {

    static final String NOT_CONFIGURED = "the Resend connector has no credentials (set OPSPLANE_CONNECTORS_RESEND_API_KEY)";

    private final Emails emails;
    private final String defaultFrom;

    public ResendConnector(ResendProperties properties) {
        this.defaultFrom = properties.from();
        this.emails = properties.isConfigured()
                ? emailsOver(properties.apiKey(), new ResendTransport(properties.baseUrl(), properties.readTimeout()))
                : null;
    }

    public Optional<String> unavailableReason() {
        return emails == null ? Optional.of(NOT_CONFIGURED) : Optional.empty();
    }

    public String defaultFrom() {
        return defaultFrom;
    }

    /** Sends one email; answers Resend's id for it. */
    public String send(CreateEmailOptions email, String idempotencyKey) throws ToolFailure {
        if (emails == null) {
            throw new ToolFailure("connector_unavailable", NOT_CONFIGURED);
        }
        try {
            return emails.send(email, RequestOptions.builder().setIdempotencyKey(idempotencyKey).build()).getId();
        } catch (ResendException e) {
            throw failure(e);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof SocketTimeoutException) {
                throw new ToolFailure("provider_unreachable", "no answer from Resend in time");
            }
            throw new ToolFailure("provider_unreachable", "cannot reach Resend: " + e.getCause().getClass().getSimpleName());
        }
    }

    static ToolFailure failure(ResendException e) {
        Integer status = e.getStatusCode();
        String detail = " (HTTP " + status + ")";
        if (status == null) {
            return new ToolFailure("provider_error", "Resend failed: " + e.getClass().getSimpleName());
        }
        if (status == 429) {
            return new ToolFailure("provider_rate_limited", "Resend is rate limiting requests" + detail + "; retry later");
        }
        if (status == 401 || status == 403) {
            return new ToolFailure("provider_auth_failed", "Resend refused the credentials" + detail);
        }
        if (status == 409) {
            return new ToolFailure("idempotency_conflict", "Resend saw this step's key with another email" + detail);
        }
        if (status >= 500) {
            return new ToolFailure("provider_error", "Resend failed" + detail);
        }
        return new ToolFailure("provider_rejected", "Resend rejected the email" + detail + ": " + e.getMessage());
    }

    /**
     * The client's {@code Emails} service over our transport. Its constructor that takes a transport
     * is package-private, hence reflection; a client upgrade that removes it fails the connector's
     * tests, not silently.
     */
    private static Emails emailsOver(String apiKey, IHttpClient<String> transport) {
        try {
            Constructor<Emails> constructor = Emails.class.getDeclaredConstructor(String.class, IHttpClient.class);
            constructor.setAccessible(true);
            return constructor.newInstance(apiKey, transport);
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("this version of resend-java offers no transport constructor for Emails", e);
        }
    }
}
