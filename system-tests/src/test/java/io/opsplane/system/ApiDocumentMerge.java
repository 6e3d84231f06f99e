package io.opsplane.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges the two sides' OpenAPI documents into the one the base URL serves (ADR 0006). The sides
 * share the document's header (info, servers, security) through the platform, so it must be equal;
 * an operation or a component may come from one side only, or be equal on both, and anything else
 * is a conflict the merge refuses rather than resolves.
 */
final class ApiDocumentMerge {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final List<String> SHARED = List.of("openapi", "info", "servers", "security");

    private ApiDocumentMerge() {
    }

    static JsonNode merge(JsonNode command, JsonNode query) {
        List<String> conflicts = new ArrayList<>();
        ObjectNode merged = command.deepCopy();
        for (String field : SHARED) {
            if (!command.path(field).equals(query.path(field))) {
                conflicts.add("'" + field + "' differs between the sides");
            }
        }
        ObjectNode paths = child(merged, "paths");
        query.path("paths").fields().forEachRemaining(path -> {
            ObjectNode item = child(paths, path.getKey());
            path.getValue().fields().forEachRemaining(method -> {
                if (item.has(method.getKey())) {
                    conflicts.add(method.getKey().toUpperCase() + " " + path.getKey() + " is an operation of both sides");
                }
                item.set(method.getKey(), method.getValue());
            });
        });
        ObjectNode components = child(merged, "components");
        query.path("components").fields().forEachRemaining(section -> {
            ObjectNode into = child(components, section.getKey());
            section.getValue().fields().forEachRemaining(component -> {
                JsonNode existing = into.get(component.getKey());
                if (existing != null && !existing.equals(component.getValue())) {
                    conflicts.add("components/" + section.getKey() + "/" + component.getKey() + " differs between the sides");
                }
                into.set(component.getKey(), component.getValue());
            });
        });
        if (!conflicts.isEmpty()) {
            throw new IllegalStateException("the sides' OpenAPI documents do not merge: " + conflicts);
        }
        return sorted(merged);
    }

    /** The object under {@code name}, added when absent ({@code ObjectNode.with} would read a path as a pointer). */
    private static ObjectNode child(ObjectNode parent, String name) {
        JsonNode existing = parent.get(name);
        if (existing instanceof ObjectNode object) {
            return object;
        }
        ObjectNode created = parent.objectNode();
        parent.set(name, created);
        return created;
    }

    /** The document as the platform module keeps it: keys sorted, indented, a final newline. */
    static String text(JsonNode document) throws Exception {
        return JSON.writeValueAsString(document) + "\n";
    }

    /** Object keys in order at every level (the sides write theirs sorted too), arrays as they are. */
    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> fields = new TreeMap<>();
            node.fields().forEachRemaining(field -> fields.put(field.getKey(), sorted(field.getValue())));
            ObjectNode copy = JSON.createObjectNode();
            fields.forEach(copy::set);
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            node.forEach(element -> copy.add(sorted(element)));
            return copy;
        }
        return node;
    }
}
