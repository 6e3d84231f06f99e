package io.opsplane.command.budget;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opsplane.command.budget.BudgetProperties.Budget;
import io.opsplane.platform.problem.ApiException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spends an execution's amounts from every budget of its tool, or refuses it with
 * {@code 429 budget_exceeded} when one would be exceeded (an {@code escalate} budget: sends it to
 * approval), taking back what the others were charged. Spending is counted in Micrometer ({@code opsplane.budget.spent}, {@code opsplane.budget.exceeded}).
 */
@Component
public class BudgetGuard {

    private static final int MICRO_DIGITS = 6;

    private final BudgetLedger ledger;
    private final List<Budget> budgets;
    private final Clock clock;
    private final MeterRegistry meters;

    BudgetGuard(BudgetLedger ledger, BudgetProperties properties, Clock clock, ObjectProvider<MeterRegistry> meters) {
        this.ledger = ledger;
        this.budgets = properties.budgets();
        this.clock = clock;
        this.meters = meters.getIfAvailable();
    }

    /**
     * Charges {@code executionId}'s input to the budgets of {@code tool}. Throws {@code 429
     * budget_exceeded} when a {@code refuse} budget would be exceeded, else {@link BudgetEscalation} when
     * an {@code escalate} budget would be; either way nothing stays charged.
     */
    public void spend(String tool, JsonNode input, String executionId) {
        charge(tool, input, executionId, false);
    }

    /**
     * Charges an execution that people approved. {@code escalate} budgets exist to ask people, and they
     * said yes: such a budget charges it even past its limit (later requests escalate until the window
     * resets) instead of escalating again. {@code refuse} budgets still refuse it.
     */
    public void spendApproved(String tool, JsonNode input, String executionId) {
        charge(tool, input, executionId, true);
    }

    private void charge(String tool, JsonNode input, String executionId, boolean approved) {
        Instant now = clock.instant();
        List<Charged> charged = new ArrayList<>();
        ApiException escalation = null;
        Budget escalating = null;
        for (Budget budget : budgets) {
            if (!budget.tool().equals(tool)) {
                continue;
            }
            long amount = amountMicros(budget, input);
            BudgetLedger.Slot slot = slot(budget, input, now);
            if (approved && escalates(budget)) {
                ledger.chargeBeyondLimit(slot, executionId, amount);
                charged.add(new Charged(slot, amount));
                continue;
            }
            long limit = micros(budget.limit());
            BudgetLedger.Charge charge = ledger.charge(slot, executionId, amount, limit);
            if (charge.accepted()) {
                charged.add(new Charged(slot, amount));
                continue;
            }
            count("opsplane.budget.exceeded", budget, 1, "action", budget.action().name().toLowerCase());
            ApiException exceeded = exceeded(budget, slot, charge.usedMicros(), amount, now);
            if (!escalates(budget)) {
                refund(charged, executionId);
                throw exceeded;
            }
            // A refuse budget further on still refuses: only what people may allow is escalated.
            if (escalation == null) {
                escalation = exceeded;
                escalating = budget;
            }
        }
        if (escalation != null) {
            refund(charged, executionId);
            throw new BudgetEscalation(escalation, escalating.name());
        }
        for (Budget budget : budgets) {
            if (budget.tool().equals(tool)) {
                count("opsplane.budget.spent", budget, fromMicros(amountMicros(budget, input)).doubleValue());
            }
        }
    }

    private static boolean escalates(Budget budget) {
        return budget.action() == BudgetProperties.BudgetAction.ESCALATE;
    }

    private void refund(List<Charged> charged, String executionId) {
        charged.forEach(c -> ledger.refund(c.slot(), executionId, c.amount()));
    }

    private record Charged(BudgetLedger.Slot slot, long amount) {
    }

    private static BudgetLedger.Slot slot(Budget budget, JsonNode input, Instant now) {
        long window = budget.window().toMillis();
        long start = Math.floorDiv(now.toEpochMilli(), window) * window;
        String partition = "*";
        if (budget.per() != null) {
            JsonNode value = input == null ? null : input.at(budget.per());
            partition = value == null || value.isMissingNode() || value.isNull() ? "(none)"
                    : value.isTextual() ? value.asText() : value.toString();
        }
        return new BudgetLedger.Slot(budget.tool(), budget.name(), partition, start, start + window);
    }

    static long amountMicros(Budget budget, JsonNode input) {
        if (budget.amount() == null) {
            return micros(BigDecimal.ONE);
        }
        JsonNode value = input == null ? null : input.at(budget.amount());
        if (value == null || !value.isNumber() || value.decimalValue().signum() <= 0) {
            return 0;
        }
        return micros(value.decimalValue());
    }

    static long micros(BigDecimal amount) {
        return amount.setScale(MICRO_DIGITS, RoundingMode.CEILING).movePointRight(MICRO_DIGITS).longValueExact();
    }

    static BigDecimal fromMicros(long micros) {
        // Plain, so that 500 is written as 500 and not as 5E+2.
        return new BigDecimal(BigDecimal.valueOf(micros, MICRO_DIGITS).stripTrailingZeros().toPlainString());
    }

    private ApiException exceeded(Budget budget, BudgetLedger.Slot slot, long usedMicros, long amountMicros,
                                  Instant now) {
        long retryAfter = Math.max(1, (slot.windowEnd() - now.toEpochMilli() + 999) / 1000);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("budget", budget.name());
        details.put("tool", budget.tool());
        if (budget.per() != null) {
            details.put("partition", slot.partition());
        }
        details.put("limit", budget.limit());
        details.put("used", fromMicros(usedMicros));
        details.put("requested", fromMicros(amountMicros));
        if (budget.unit() != null) {
            details.put("unit", budget.unit());
        }
        details.put("window", budget.window().toString());
        details.put("windowResetsAt", Instant.ofEpochMilli(slot.windowEnd()).toString());
        details.put("action", budget.action().name().toLowerCase());
        String escalation = escalates(budget) ? " (escalated: it needs an approved approval request)" : "";
        return new ApiException(429, "budget_exceeded", "Budget exceeded",
                "this request would exceed the budget '" + budget.name() + "' of " + budget.tool() + ": "
                        + fromMicros(usedMicros).toPlainString() + " of " + budget.limit().toPlainString()
                        + (budget.unit() == null ? "" : " " + budget.unit()) + " spent in this window" + escalation,
                details, Map.of("Retry-After", Long.toString(retryAfter)));
    }

    private void count(String name, Budget budget, double amount, String... extraTags) {
        if (meters == null) {
            return;
        }
        Counter.builder(name).tag("tool", budget.tool()).tag("budget", budget.name()).tags(extraTags)
                .register(meters).increment(amount);
    }
}
