package io.opsplane.api.tool;

import java.util.List;

/**
 * When running a tool needs human approval. Approval applies when {@code required} is true or any
 * rule matches; the approvals needed are the largest of {@code minApprovals} (when required) and the
 * {@code minApprovals} of every matching rule.
 *
 * @param required     whether every execution needs approval, whatever the input
 * @param minApprovals approvals needed when {@code required}
 * @param rules        input-dependent rules, e.g. a refund above an amount
 * @param expiresAfter ISO-8601 duration after which an unexecuted approval lapses, e.g. {@code PT24H}
 */
public record ApprovalPolicy(boolean required, int minApprovals, List<ApprovalRule> rules, String expiresAfter) {

    /** No approval, whatever the input. */
    public static ApprovalPolicy none() {
        return new ApprovalPolicy(false, 0, List.of(), null);
    }

    /** This policy with {@code expiresAfter} filled in when the tool declared none. */
    public ApprovalPolicy withDefaultExpiry(String defaultExpiresAfter) {
        return expiresAfter != null ? this : new ApprovalPolicy(required, minApprovals, rules, defaultExpiresAfter);
    }
}
