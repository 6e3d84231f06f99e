package io.opsplane.api.webhook;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * How a webhook URL is shown to anyone but an admin: scheme, host and port only. Receiver URLs often
 * carry a secret in their path or query (a token, a signature), so the event log, its stream and
 * webhook deliveries show {@code https://hooks.example.com:8443/...}; {@code GET /v1/webhooks}
 * (scope {@code admin}) shows the URL in full.
 */
public final class WebhookUrls {

    /** What stands for the path and query that were left out. */
    public static final String HIDDEN_PATH = "/...";
    private static final String UNREADABLE = "(hidden)";

    private WebhookUrls() {
    }

    /** {@code scheme://host[:port]/...}; a URL that does not parse is shown as {@code (hidden)}. */
    public static String reduced(String url) {
        if (url == null) {
            return null;
        }
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return UNREADABLE;
            }
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                    + HIDDEN_PATH;
        } catch (URISyntaxException e) {
            return UNREADABLE;
        }
    }
}
