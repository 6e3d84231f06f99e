package io.opsplane.api.approval;

import io.opsplane.api.apikey.Actor;

import java.time.Instant;

/**
 * One approval given to a request.
 *
 * @param by      the approving key and its principal
 * @param at      when it was recorded
 * @param comment what the approver said, if anything
 */
public record Approval(Actor by, Instant at, String comment) {
}
