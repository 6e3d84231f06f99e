package io.opsplane.command.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsplane.api.tool.ApprovalPolicy;
import io.opsplane.api.tool.ApprovalRule;
import io.opsplane.api.tool.ComparisonOp;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ApprovalRequirementTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ApprovalPolicy TWO_TIERS = new ApprovalPolicy(false, 0, List.of(
            new ApprovalRule("/amount", ComparisonOp.GT, 50_000, 1),
            new ApprovalRule("/amount", ComparisonOp.GT, 500_000, 2)), null);

    private static JsonNode input(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void needsNoApprovalBelowTheFirstTier() throws Exception {
        assertThat(ApprovalRequirement.requiredApprovals(TWO_TIERS, input("{\"amount\": 50000}"))).isZero();
    }

    @Test
    void needsTheLargestMinimumOfEveryMatchingRule() throws Exception {
        assertThat(ApprovalRequirement.requiredApprovals(TWO_TIERS, input("{\"amount\": 50001}"))).isEqualTo(1);
        assertThat(ApprovalRequirement.requiredApprovals(TWO_TIERS, input("{\"amount\": 500001}"))).isEqualTo(2);
    }

    @Test
    void aRuleOnAMissingFieldDoesNotMatch() throws Exception {
        assertThat(ApprovalRequirement.requiredApprovals(TWO_TIERS, input("{\"charge\": \"ch_1\"}"))).isZero();
    }

    @Test
    void aStaticRequirementCombinesWithRules() throws Exception {
        ApprovalPolicy policy = new ApprovalPolicy(true, 1, TWO_TIERS.rules(), null);
        assertThat(ApprovalRequirement.requiredApprovals(policy, input("{}"))).isEqualTo(1);
        assertThat(ApprovalRequirement.requiredApprovals(policy, input("{\"amount\": 600000}"))).isEqualTo(2);
    }

    @Test
    void comparesEachOperator() throws Exception {
        JsonNode ten = input("{\"n\": 10, \"s\": \"eu\", \"d\": 10.0}");
        assertThat(ApprovalRequirement.matches(new ApprovalRule("/n", ComparisonOp.GTE, 10, 1), ten)).isTrue();
        assertThat(ApprovalRequirement.matches(new ApprovalRule("/n", ComparisonOp.LT, 10, 1), ten)).isFalse();
        assertThat(ApprovalRequirement.matches(new ApprovalRule("/n", ComparisonOp.LTE, 10, 1), ten)).isTrue();
        assertThat(ApprovalRequirement.matches(new ApprovalRule("/s", ComparisonOp.EQ, "eu", 1), ten)).isTrue();
        assertThat(ApprovalRequirement.matches(new ApprovalRule("/d", ComparisonOp.EQ, 10, 1), ten)).isTrue();
        assertThat(ApprovalRequirement.matches(new ApprovalRule("/s", ComparisonOp.GT, 1, 1), ten)).isFalse();
    }
}
