package io.opsplane.command.connector.http;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.List;

/**
 * The {@code service.healthcheck} tool's SSRF guard.
 *
 * @param deniedCidrs networks the tool refuses to call, checked after DNS resolution
 *                    ({@code OPSPLANE_TOOLS_HEALTHCHECK_DENIED_CIDRS}, comma-separated)
 */
@ConfigurationProperties("opsplane.tools.healthcheck")
public record HealthcheckProperties(@DefaultValue({"169.254.0.0/16", "fe80::/10"}) List<String> deniedCidrs) {
}
