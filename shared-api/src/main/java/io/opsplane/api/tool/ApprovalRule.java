package io.opsplane.api.tool;

/**
 * One input-dependent approval rule: when the input's value at {@code field} compares to
 * {@code value} by {@code op}, the execution needs at least {@code minApprovals} approvals. A rule
 * on a field the input lacks does not match.
 *
 * @param field        a JSON Pointer into the input, e.g. {@code /amount}
 * @param op           {@code gt gte lt lte} compare numbers; {@code eq} compares JSON values exactly
 * @param value        the JSON value compared against
 * @param minApprovals approvals needed when the rule matches
 */
public record ApprovalRule(String field, ComparisonOp op, Object value, int minApprovals) {
}
