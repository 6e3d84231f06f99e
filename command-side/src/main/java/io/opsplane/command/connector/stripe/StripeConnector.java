package io.opsplane.command.connector.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.CardException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.PermissionException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.net.RequestOptions;
import io.opsplane.command.tool.ToolFailure;

import java.time.Duration;
import java.util.Optional;

/**
 * Stripe through Stripe's official Java client. Every call carries an {@code Idempotency-Key}, so
 * a step that is run again (a crash, an explicit retry) is answered by Stripe with the first
 * result instead of a second effect. The client does not retry by itself: failures reach the
 * execution, and an explicit retry reuses the same key.
 */
public class StripeConnector {

    static final String NOT_CONFIGURED = "the Stripe connector has no credentials (set OPSPLANE_CONNECTORS_STRIPE_API_KEY)";

    private final StripeClient client;

    public StripeConnector(StripeProperties properties) {
        this.client = properties.isConfigured() ? StripeClient.builder()
                .setApiKey(properties.apiKey())
                .setApiBase(stripTrailingSlash(properties.baseUrl()))
                .setConnectTimeout(millis(Duration.ofSeconds(10)))
                .setReadTimeout(millis(properties.readTimeout()))
                .setMaxNetworkRetries(0)
                .build() : null;
    }

    public Optional<String> unavailableReason() {
        return client == null ? Optional.of(NOT_CONFIGURED) : Optional.empty();
    }

    /** One Stripe call, with its failures turned into tool failures with stable codes. */
    public <T> T call(String idempotencyKey, StripeCall<T> call) throws ToolFailure {
        if (client == null) {
            throw new ToolFailure("connector_unavailable", NOT_CONFIGURED);
        }
        try {
            return call.apply(client, RequestOptions.builder().setIdempotencyKey(idempotencyKey).build());
        } catch (StripeException e) {
            throw failure(e);
        }
    }

    /** A call against the client with the request options that carry the idempotency key. */
    @FunctionalInterface
    public interface StripeCall<T> {
        T apply(StripeClient client, RequestOptions options) throws StripeException;
    }

    static ToolFailure failure(StripeException e) {
        String detail = e.getStripeError() != null && e.getStripeError().getMessage() != null
                ? e.getStripeError().getMessage() : e.getClass().getSimpleName();
        String status = e.getStatusCode() == null ? "" : " (HTTP " + e.getStatusCode() + ")";
        if (e instanceof CardException) {
            return new ToolFailure("card_declined", "Stripe declined the card: " + detail + status);
        }
        if (e instanceof RateLimitException) {
            return new ToolFailure("provider_rate_limited", "Stripe is rate limiting requests" + status + "; retry later");
        }
        if (e instanceof AuthenticationException || e instanceof PermissionException) {
            return new ToolFailure("provider_auth_failed", "Stripe refused the credentials: " + detail + status);
        }
        if (e instanceof IdempotencyException) {
            return new ToolFailure("idempotency_conflict", "Stripe saw this step's key with other parameters: " + detail);
        }
        if (e instanceof ApiConnectionException) {
            return new ToolFailure("provider_unreachable", "no answer from Stripe: " + e.getClass().getSimpleName()
                    + " (" + (e.getCause() == null ? "connection failed" : e.getCause().getClass().getSimpleName()) + ")");
        }
        if (e.getStatusCode() != null && e.getStatusCode() >= 500) {
            return new ToolFailure("provider_error", "Stripe failed: " + detail + status);
        }
        return new ToolFailure("provider_rejected", "Stripe rejected the request: " + detail + status);
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
