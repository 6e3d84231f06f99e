package io.opsplane.query.stream;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * The server-sent event stream of the audit log.
 *
 * @param pollInterval      how often an idle subscriber looks for new log entries; bounds the added latency. An idle
 *                          look costs no store read: the log's head is read at most every 10 ms for all of them
 * @param heartbeatInterval how long a subscriber may go without a message before it gets a comment line, so
 *                          proxies keep the connection and a client that left is noticed
 * @param maxSubscribers    open streams per query-side instance; each holds one thread, so more are refused with
 *                          {@code 503 too_many_subscribers}
 */
@ConfigurationProperties("opsplane.stream")
public record StreamProperties(
        @DefaultValue("25ms") Duration pollInterval,
        @DefaultValue("15s") Duration heartbeatInterval,
        @DefaultValue("200") int maxSubscribers) {
}
