package io.opsplane.command.budget;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * Budgets in business units: how much of something tools may do in a window, whoever asks.
 * Declared as a list so that tool names, which contain dots, need no escaping
 * ({@code OPSPLANE_BUDGETS_0_TOOL=billing.refund}, {@code OPSPLANE_BUDGETS_0_AMOUNT=/amount}, ...).
 *
 * @param budgets every budget; none by default
 */
@ConfigurationProperties("opsplane")
public record BudgetProperties(@DefaultValue List<Budget> budgets) {

    /**
     * One budget on one tool.
     *
     * @param tool   the tool it applies to, exactly as registered ({@code billing.refund})
     * @param name   its name in problems and metrics ({@code refund-amount}); defaults to the amount field or
     *               {@code executions}
     * @param amount JSON Pointer of the input field whose value is spent ({@code /amount}); unset: every
     *               execution spends 1 (a count, e.g. users disabled). An input without a number there
     *               spends nothing; a negative number spends nothing
     * @param per    JSON Pointer of the input field that partitions the budget ({@code /tenant}); unset:
     *               one budget for the whole tool
     * @param limit  the most that may be spent in one window
     * @param window the window's length; windows are aligned to the epoch in UTC (a day runs from midnight
     *               UTC), so spending resets at each window's start
     * @param unit   what the amount counts, for people ({@code USD}); informational
     * @param action {@code refuse}: {@code 429 budget_exceeded}; {@code escalate}: the execution opens an
     *               approval request ({@code 202 pending_approval}) and, once approved, runs and is charged
     *               even past the limit
     */
    public record Budget(String tool, String name, String amount, String per, BigDecimal limit,
                         @DefaultValue("P1D") Duration window, String unit,
                         @DefaultValue("refuse") BudgetAction action) {

        public Budget {
            if (tool == null || tool.isBlank()) {
                throw new IllegalArgumentException("a budget needs the tool it applies to (opsplane.budgets[n].tool)");
            }
            if (limit == null || limit.signum() < 0) {
                throw new IllegalArgumentException("budget on " + tool + " needs a limit of zero or more");
            }
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("budget on " + tool + " needs a positive window");
            }
            if (name == null || name.isBlank()) {
                name = amount == null ? "executions" : amount.replaceAll("^/", "").replace('/', '.');
            }
        }
    }

    /** What happens to a request that would exceed a budget. */
    public enum BudgetAction {
        REFUSE, ESCALATE
    }
}
