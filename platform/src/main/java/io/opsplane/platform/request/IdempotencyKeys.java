package io.opsplane.platform.request;

import io.opsplane.platform.problem.ApiException;

/**
 * The contract's rule for an idempotency key, in one place for every door that takes one (the
 * {@code Idempotency-Key} header of the REST endpoints, MCP's {@code _meta}): 1 to 255 printable ASCII
 * characters (0x21-0x7E), else {@code 400 invalid_idempotency_key}.
 */
public final class IdempotencyKeys {

    private static final String RULE = "1 to 255 printable ASCII characters (0x21-0x7E)";

    private IdempotencyKeys() {
    }

    public static boolean isValid(String key) {
        return !key.isEmpty() && key.length() <= 255 && key.chars().allMatch(c -> c >= 0x21 && c <= 0x7E);
    }

    /** The {@code Idempotency-Key} header as sent, {@code null} when there is none; refused when it breaks the rule. */
    public static String fromHeader(String value) {
        if (value != null && !isValid(value)) {
            throw invalid("an Idempotency-Key");
        }
        return value;
    }

    /** The refusal of a key that breaks the rule; {@code sentAs} names where the client put it. */
    public static ApiException invalid(String sentAs) {
        return new ApiException(400, "invalid_idempotency_key", "Invalid Idempotency-Key", sentAs + " must be " + RULE);
    }
}
