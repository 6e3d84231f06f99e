package io.opsplane.eventstore;

import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;

import java.util.Collections;

/**
 * Tracking tokens as positions: {@link GapAwareTrackingToken}s without gaps, since events are delivered strictly in
 * position order, so a token stays a few dozen bytes whatever the write rate.
 */
final class PositionTokens {

    private PositionTokens() {
    }

    /** The token of a reader that has seen everything up to and including {@code position}; -1 is the tail. */
    static GapAwareTrackingToken at(long position) {
        return GapAwareTrackingToken.newInstance(position, Collections.emptySet());
    }

    /** See {@link SequencedMongoEventStorageEngine#positionOf(TrackingToken)}. */
    static long positionOf(TrackingToken token) {
        if (token == null) {
            return -1;
        }
        if (token instanceof GapAwareTrackingToken gapAware) {
            return gapAware.getIndex();
        }
        if (token instanceof ReplayToken replay) {
            return positionOf(replay.getCurrentToken());
        }
        if (token instanceof WrappedToken wrapped) {
            return wrapped.unwrap(GapAwareTrackingToken.class)
                          .map(GapAwareTrackingToken::getIndex)
                          .orElseThrow(() -> new IllegalArgumentException("Not a position token: " + token));
        }
        throw new IllegalArgumentException("Not a position token: " + token);
    }
}
