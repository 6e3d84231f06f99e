package io.opsplane.api.approval;

import io.opsplane.api.apikey.Actor;

import java.time.Instant;

/**
 * Why and by whom a request was rejected.
 *
 * @param by     the rejecting key and its principal
 * @param at     when it was recorded
 * @param reason the reason given (required)
 */
public record Rejection(Actor by, Instant at, String reason) {
}
