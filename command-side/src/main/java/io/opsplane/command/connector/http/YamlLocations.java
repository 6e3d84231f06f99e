package io.opsplane.command.connector.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each value of a YAML document is, by JSON Pointer, so that errors found on the parsed tree
 * can name the line and column of the offending field.
 */
final class YamlLocations {

    private final Map<String, JsonLocation> byPointer;

    private YamlLocations(Map<String, JsonLocation> byPointer) {
        this.byPointer = byPointer;
    }

    static YamlLocations index(JsonParser parser) throws IOException {
        Map<String, JsonLocation> locations = new HashMap<>();
        if (parser.nextToken() != null) {
            walk(parser, "", locations);
        }
        return new YamlLocations(locations);
    }

    /** The location of the pointer's value, or of its nearest ancestor that exists. */
    String lineAndColumn(String pointer) {
        String current = pointer;
        while (true) {
            JsonLocation location = byPointer.get(current);
            if (location != null) {
                return location.getLineNr() + ":" + location.getColumnNr();
            }
            if (current.isEmpty()) {
                return "1:1";
            }
            current = current.substring(0, current.lastIndexOf('/'));
        }
    }

    private static void walk(JsonParser parser, String pointer, Map<String, JsonLocation> out) throws IOException {
        out.put(pointer, parser.currentTokenLocation());
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String child = pointer + "/" + parser.currentName().replace("~", "~0").replace("/", "~1");
                JsonLocation key = parser.currentTokenLocation();
                parser.nextToken();
                walk(parser, child, out);
                // An error about a field is best shown at its key.
                out.put(child, key);
            }
        } else if (token == JsonToken.START_ARRAY) {
            int index = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                walk(parser, pointer + "/" + index++, out);
            }
        }
    }
}
