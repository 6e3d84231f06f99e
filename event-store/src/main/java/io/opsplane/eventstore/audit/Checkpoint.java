package io.opsplane.eventstore.audit;

import java.util.List;

/**
 * A sealed range of global positions: the chain over positions that makes deleted and inserted events visible.
 *
 * @param index        0 for the first checkpoint, then one more for each
 * @param from         first position of the range, the previous checkpoint's {@code to} + 1
 * @param to           last position of the range; always the position of a stored event
 * @param skipped      positions of the range that held no event when it was sealed (placeholders of failed commits,
 *                     holes of crashed writers)
 * @param hashes       the hash of every event of the range when it was sealed, in position order, so that an event
 *                     altered later, even with a recomputed hash, is named by its position
 * @param previousHash the previous checkpoint's hash, {@link AuditHashes#GENESIS} for the first
 * @param hash         {@link AuditHashes#checkpoint} over the previous hash, the range, the skipped positions and the
 *                     events' hashes
 */
public record Checkpoint(long index, long from, long to, List<Long> skipped, List<String> hashes, String previousHash,
                         String hash) {

    public Checkpoint {
        skipped = List.copyOf(skipped);
        hashes = List.copyOf(hashes);
    }
}
