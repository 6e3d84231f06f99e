package io.opsplane.platform.fairness;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param perKey requests of one API key in flight at once on one instance ({@code OPSPLANE_CONCURRENCY_PER_KEY});
 *               beyond it {@code 429 concurrency_limited}
 */
@ConfigurationProperties("opsplane.concurrency")
public record ConcurrencyProperties(@DefaultValue("32") int perKey) {
}
