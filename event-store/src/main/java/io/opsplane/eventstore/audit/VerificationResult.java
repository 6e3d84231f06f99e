package io.opsplane.eventstore.audit;

/**
 * What a verification of the audit chain found.
 *
 * @param ok                  true when every checked event and checkpoint matched
 * @param checkedEvents       events whose hash and link were checked (up to the first break)
 * @param firstBrokenPosition the lowest position found altered, removed or inserted; null when ok
 * @param reason              why that position is broken, for people; null when ok
 */
public record VerificationResult(boolean ok, long checkedEvents, Long firstBrokenPosition, String reason) {
}
