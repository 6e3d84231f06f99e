package io.opsplane.command.connector.http;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.List;

/**
 * The SSRF guard of {@code service.healthcheck} and of webhooks.
 *
 * @param deniedCidrs networks refused on top of those {@link TargetGuard} always refuses, checked after DNS
 *                    resolution ({@code OPSPLANE_TOOLS_HEALTHCHECK_DENIED_CIDRS}, comma-separated)
 */
@ConfigurationProperties("opsplane.tools.healthcheck")
public record HealthcheckProperties(List<String> deniedCidrs) {

    public HealthcheckProperties {
        deniedCidrs = deniedCidrs == null ? List.of() : List.copyOf(deniedCidrs);
    }
}
