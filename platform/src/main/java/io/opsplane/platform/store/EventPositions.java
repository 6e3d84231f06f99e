package io.opsplane.platform.store;

import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackingToken;

import java.util.OptionalLong;

/**
 * Global event positions: the integer order of every stored event that clients see as
 * {@code position}, pass back as {@code minPosition}, and receive as SSE ids.
 */
public interface EventPositions {

    /** The position of one aggregate event, by aggregate id and sequence number. */
    OptionalLong positionOf(String aggregateId, long sequenceNumber);

    /** The highest position handed out so far; -1 when the store is empty. */
    long head();

    /** The position a tracking token has reached; -1 before the first event. */
    static long of(TrackingToken token) {
        TrackingToken current = token instanceof ReplayToken replay ? replay.getCurrentToken() : token;
        if (current instanceof GapAwareTrackingToken gapAware) {
            return gapAware.getIndex();
        }
        return current == null ? -1 : current.position().orElse(-1);
    }
}
