package io.opsplane.platform.fairness;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param perKey event streams one API key keeps open at once on one instance ({@code OPSPLANE_STREAMS_PER_KEY});
 *               beyond it {@code 429 concurrency_limited}
 */
@ConfigurationProperties("opsplane.streams")
public record StreamLimitProperties(@DefaultValue("5") int perKey) {
}
