package io.opsplane.command.budget;

import io.opsplane.platform.problem.ApiException;

/**
 * An execution would exceed a budget whose action is {@code escalate}, and no {@code refuse} budget
 * refuses it: the caller opens an approval request instead of running it. Nothing was charged. It
 * keeps the shape of {@code 429 budget_exceeded}, so a caller that does not escalate still refuses.
 */
public class BudgetEscalation extends ApiException {

    private final String budget;

    BudgetEscalation(ApiException exceeded, String budget) {
        super(exceeded.status(), exceeded.code(), exceeded.title(), exceeded.detail(), exceeded.extensions(),
                exceeded.headers());
        this.budget = budget;
    }

    /** The name of the budget that escalated. */
    public String budget() {
        return budget;
    }
}
