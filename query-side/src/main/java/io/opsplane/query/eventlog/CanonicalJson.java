package io.opsplane.query.eventlog;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** JSON with every object's properties sorted by name, so that equal content hashes equally. */
final class CanonicalJson {

    private CanonicalJson() {
    }

    static JsonNode sorted(JsonNode node, JsonMapper json) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>(node.propertyNames());
            Collections.sort(names);
            ObjectNode sorted = json.createObjectNode();
            names.forEach(name -> sorted.set(name, sorted(node.get(name), json)));
            return sorted;
        }
        if (node.isArray()) {
            ArrayNode sorted = json.createArrayNode();
            node.forEach(element -> sorted.add(sorted(element, json)));
            return sorted;
        }
        return node;
    }
}
