package io.opsplane.api.approval;

import io.opsplane.api.apikey.Actor;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Uses an approved request, once. The caller computes what it is about to run; the request checks
 * it against what was approved.
 *
 * @param admin       whether {@code by} holds the {@code admin} scope
 * @param payloadHash the hash of the submitted input, computed as at request time
 * @param planDigest  the digest of the plan recomputed now
 * @param executionId the execution that will run; derived from the request id
 */
public record ExecuteRequestCommand(@TargetAggregateIdentifier String requestId, Actor by, boolean admin,
                                    String payloadHash, String planDigest, String executionId, Instant at) {
}
