package io.opsplane.api.refusal;

import java.util.Objects;

/**
 * A command refused by a domain rule, with the {@link RefusalReason} why and a detail for people. It knows
 * nothing of transports: the edge (the problem handler for HTTP, the MCP door) looks the reason up in one
 * table to answer. Thrown by aggregates and by the services that check the same rules before sending.
 */
public class Refusal extends RuntimeException {

    private final RefusalReason reason;

    public Refusal(RefusalReason reason, String detail) {
        super(detail);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public RefusalReason reason() {
        return reason;
    }

    /** What a person reads: which request, which state, what is missing. */
    public String detail() {
        return getMessage();
    }
}
