package io.opsplane.command.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opsplane.command.budget.BudgetGuard;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.ratelimit.BucketLimit;
import io.opsplane.platform.ratelimit.RateLimitDecision;
import io.opsplane.platform.ratelimit.RateLimitFilter;
import io.opsplane.platform.ratelimit.RateLimiter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * What an execute request must pass once its input is valid and before it is recorded: the tool's
 * own rate limit ({@code 429 rate_limited}) and the tool's budgets ({@code 429 budget_exceeded}).
 * Plans are not admitted here: they change nothing on any target.
 */
@Component
public class ExecutionAdmission {

    private final RateLimiter limiter;
    private final BudgetGuard budgets;
    private final Map<String, BucketLimit> toolLimits;
    private final MeterRegistry meters;

    ExecutionAdmission(RateLimiter limiter, BudgetGuard budgets, ToolRateLimitProperties properties,
                       ObjectProvider<MeterRegistry> meters) {
        this.limiter = limiter;
        this.budgets = budgets;
        this.toolLimits = properties.tools().stream().collect(Collectors.toUnmodifiableMap(
                ToolRateLimitProperties.ToolLimit::name,
                limit -> new BucketLimit(limit.perMinute(), limit.effectiveBurst())));
        this.meters = meters.getIfAvailable();
    }

    /** Throws {@code 429} when the tool's rate limit or one of its budgets refuses this execution. */
    public void admit(AuthenticatedKey key, String tool, JsonNode input, String executionId) {
        BucketLimit toolLimit = toolLimits.get(tool);
        if (toolLimit != null) {
            RateLimitDecision decision = limiter.tryTake("tool:" + tool, toolLimit);
            if (!decision.allowed()) {
                limiter.countRejection();
                if (meters != null) {
                    Counter.builder("opsplane.ratelimit.rejected").tag("keyId", key.keyId()).tag("bucket", "tool")
                            .register(meters).increment();
                }
                throw RateLimitFilter.rateLimited(decision, "the tool " + tool + " is at its rate limit");
            }
        }
        budgets.spend(tool, input, executionId);
    }
}
