package io.opsplane.command.connector.stripe;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The two-tier approval policy of {@code billing.refund}, in the currency's minor unit (cents).
 *
 * @param approvalAbove     a refund above this amount needs one approval
 *                          ({@code OPSPLANE_TOOLS_BILLING_REFUND_APPROVAL_ABOVE})
 * @param twoApprovalsAbove a refund above this amount needs two
 *                          ({@code OPSPLANE_TOOLS_BILLING_REFUND_TWO_APPROVALS_ABOVE})
 */
@ConfigurationProperties("opsplane.tools.billing-refund")
public record RefundProperties(
        @DefaultValue("50000") long approvalAbove,
        @DefaultValue("500000") long twoApprovalsAbove) {
}
