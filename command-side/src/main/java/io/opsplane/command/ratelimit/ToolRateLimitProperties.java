package io.opsplane.command.ratelimit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.List;

/**
 * Per-tool token buckets, shared by every key: how often a tool may be executed at all, for
 * targets that cannot take more ({@code OPSPLANE_RATE_LIMIT_TOOLS_0_NAME=billing.refund},
 * {@code OPSPLANE_RATE_LIMIT_TOOLS_0_PER_MINUTE=60}, {@code OPSPLANE_RATE_LIMIT_TOOLS_0_BURST=10}).
 * Sits beside the platform's per-key default under {@code opsplane.rate-limit}.
 *
 * @param tools the limited tools; none by default
 */
@ConfigurationProperties("opsplane.rate-limit")
public record ToolRateLimitProperties(@DefaultValue List<ToolLimit> tools) {

    /**
     * @param name      the tool's registered name
     * @param perMinute executions refilled per minute
     * @param burst     executions allowed at once after a quiet spell; defaults to {@code perMinute}
     */
    public record ToolLimit(String name, int perMinute, Integer burst) {

        public int effectiveBurst() {
            return burst == null ? perMinute : burst;
        }
    }
}
