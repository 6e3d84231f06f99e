package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** A page of a list: its table, and how to ask for the next page when there is one. */
final class Pages {

    private Pages() {
    }

    static void print(Verb verb, Table table, JsonNode page, String what) {
        if (table.isEmpty()) {
            verb.out().println("No " + what + ".");
        } else {
            table.print(verb.out());
        }
        if (page.hasNonNull("nextCursor")) {
            verb.out().println();
            verb.out().println("More: add --cursor " + page.path("nextCursor").asText());
        }
    }
}
