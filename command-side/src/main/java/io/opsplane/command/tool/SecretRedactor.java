package io.opsplane.command.tool;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Separates the secret fields of an input from the rest: the redacted input is what events, logs
 * and responses see; the secrets travel only in memory to the runner.
 */
public final class SecretRedactor {

    /** What a secret's value is replaced with wherever the input is recorded. */
    public static final String REDACTED = "[redacted]";

    private SecretRedactor() {
    }

    /** The input with every present secret field replaced by {@link #REDACTED}. */
    public static JsonNode redact(JsonNode input, List<String> secretFields) {
        JsonNode copy = input.deepCopy();
        for (String field : secretFields) {
            JsonPointer pointer = JsonPointer.compile(field);
            JsonNode parent = copy.at(pointer.head());
            if (parent instanceof ObjectNode object && object.has(pointer.last().getMatchingProperty())) {
                object.put(pointer.last().getMatchingProperty(), REDACTED);
            }
        }
        return copy;
    }

    /** The secret values present in the input, by pointer. */
    public static Map<String, JsonNode> extract(JsonNode input, List<String> secretFields) {
        Map<String, JsonNode> secrets = new LinkedHashMap<>();
        for (String field : secretFields) {
            JsonNode value = input.at(field);
            if (!value.isMissingNode()) {
                secrets.put(field, value.deepCopy());
            }
        }
        return secrets;
    }

    /** The redacted input with the secrets put back. */
    public static JsonNode restore(JsonNode redacted, Map<String, JsonNode> secrets) {
        JsonNode copy = redacted.deepCopy();
        secrets.forEach((field, value) -> {
            JsonPointer pointer = JsonPointer.compile(field);
            if (copy.at(pointer.head()) instanceof ObjectNode object) {
                object.set(pointer.last().getMatchingProperty(), value);
            }
        });
        return copy;
    }
}
