package io.opsplane.command.mcp;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * The MCP server at {@code /mcp}.
 *
 * @param callWait               how long a {@code tools/call} waits for the execution's outcome before it answers
 *                               with the running execution (the REST default {@code ?wait=10})
 * @param progressInterval       how often a waiting call sends {@code notifications/progress} when the client
 *                               asked for progress with a token
 * @param pageSize               tools per {@code tools/list} page
 * @param catalogueCheckInterval how often the server compares the catalogue (tools and their availability) with
 *                               the one it last listed, and sends {@code notifications/tools/list_changed} on a change
 * @param allowedOrigins         browser origins allowed to call {@code /mcp} ({@code https://ops.example.com},
 *                               {@code http://localhost:*}); a request carrying any other {@code Origin} is refused
 *                               with {@code 403} (DNS rebinding). Agents and hosts send no {@code Origin}.
 */
@ConfigurationProperties("opsplane.mcp")
public record McpProperties(
        @DefaultValue("10s") Duration callWait,
        @DefaultValue("1s") Duration progressInterval,
        @DefaultValue("50") int pageSize,
        @DefaultValue("5s") Duration catalogueCheckInterval,
        @DefaultValue List<String> allowedOrigins) {
}
