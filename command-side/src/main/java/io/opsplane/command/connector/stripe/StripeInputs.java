package io.opsplane.command.connector.stripe;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.TreeMap;

/** Reads the input fields the Stripe tools share. */
final class StripeInputs {

    private StripeInputs() {
    }

    /** The {@code metadata} object as Stripe's string-to-string map, sorted so plans are stable. */
    static Map<String, String> metadata(JsonNode input) {
        Map<String, String> metadata = new TreeMap<>();
        input.path("metadata").fields().forEachRemaining(entry -> metadata.put(entry.getKey(), entry.getValue().asText()));
        return metadata;
    }
}
