package io.opsplane.command.tool;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsplane.api.tool.ApprovalPolicy;
import io.opsplane.api.tool.ApprovalRule;

import java.util.List;

/**
 * How many approvals an input needs under a tool's {@link ApprovalPolicy}, exactly as the contract
 * defines it: the largest of {@code minApprovals} (when required) and every matching rule's.
 */
public final class ApprovalRequirement {


    private ApprovalRequirement() {
    }

    /** 0 when the input needs no approval. */
    public static int requiredApprovals(ApprovalPolicy policy, JsonNode input) {
        if (policy == null) {
            return 0;
        }
        int needed = policy.required() ? Math.max(1, policy.minApprovals()) : 0;
        for (ApprovalRule rule : policy.rules() == null ? List.<ApprovalRule>of() : policy.rules()) {
            if (matches(rule, input)) {
                needed = Math.max(needed, Math.max(1, rule.minApprovals()));
            }
        }
        return needed;
    }

    static boolean matches(ApprovalRule rule, JsonNode input) {
        JsonNode actual = input.at(rule.field());
        if (actual.isMissingNode()) {
            return false;
        }
        JsonNode expected = ToolJson.MAPPER.valueToTree(rule.value());
        return switch (rule.op()) {
            case EQ -> CanonicalJson.of(actual).equals(CanonicalJson.of(expected));
            case GT -> bothNumbers(actual, expected) && actual.decimalValue().compareTo(expected.decimalValue()) > 0;
            case GTE -> bothNumbers(actual, expected) && actual.decimalValue().compareTo(expected.decimalValue()) >= 0;
            case LT -> bothNumbers(actual, expected) && actual.decimalValue().compareTo(expected.decimalValue()) < 0;
            case LTE -> bothNumbers(actual, expected) && actual.decimalValue().compareTo(expected.decimalValue()) <= 0;
        };
    }

    private static boolean bothNumbers(JsonNode a, JsonNode b) {
        return a.isNumber() && b.isNumber();
    }
}
