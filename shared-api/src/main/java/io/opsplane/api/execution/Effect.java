package io.opsplane.api.execution;

import java.util.Map;

/**
 * One effect a tool intends to have on a target system.
 *
 * @param action      what it does, e.g. {@code http.get} or {@code stripe.refund.create}
 * @param target      what it acts on, e.g. a URL or a Stripe object id
 * @param description a sentence for a human approver
 * @param details     further tool-specific facts (amounts, headers without secrets, ...)
 */
public record Effect(String action, String target, String description, Map<String, Object> details) {
}
