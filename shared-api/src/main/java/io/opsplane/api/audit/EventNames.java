package io.opsplane.api.audit;

import java.util.Optional;

/** Looks up the public {@link EventName} of an event payload class. */
public final class EventNames {

    private EventNames() {
    }

    /** The public name of {@code payloadType}, if it declares one. */
    public static Optional<String> of(Class<?> payloadType) {
        EventName name = payloadType.getAnnotation(EventName.class);
        return Optional.ofNullable(name).map(EventName::value);
    }
}
