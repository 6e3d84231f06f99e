package io.opsplane.command.tool;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Reads the JSON Schemas that tools declare as text blocks. */
public final class Schemas {


    private Schemas() {
    }

    /** Parses a schema written by a developer: a syntax error is a bug, so it fails the start. */
    public static JsonNode parse(String json) {
        try {
            return ToolJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("a built-in tool schema is not valid JSON", e);
        }
    }
}
