package io.opsplane.eventstore;

/**
 * Called between reserving positions and inserting the events: the seam tests use to play a slow or crashing writer.
 */
@FunctionalInterface
interface ReservationHook {

    ReservationHook NONE = (firstPosition, count) -> {
    };

    void reserved(long firstPosition, int count);
}
