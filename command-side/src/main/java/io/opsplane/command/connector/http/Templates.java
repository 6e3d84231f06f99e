package io.opsplane.command.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The placeholders of declarative requests: {@code {{input.a.b}}} (a value of the input),
 * {@code {{executionId}}} and {@code {{stepKey}}} (the request's stable idempotency key). A body
 * string that is exactly one input placeholder becomes that JSON value (a number stays a number).
 */
final class Templates {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");

    private Templates() {
    }

    /** Placeholder names in a string that are not ones this class knows. */
    static List<String> unknownPlaceholders(String template) {
        List<String> unknown = new ArrayList<>();
        Matcher matcher = PLACEHOLDER.matcher(template);
        while (matcher.find()) {
            String name = matcher.group(1);
            if (!name.equals("executionId") && !name.equals("stepKey") && !name.startsWith("input.")) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    /** The JSON Pointers into the input of the input placeholders in a string, e.g. {@code /customer/id}. */
    static List<String> inputPointers(String template) {
        List<String> pointers = new ArrayList<>();
        Matcher matcher = PLACEHOLDER.matcher(template);
        while (matcher.find()) {
            if (matcher.group(1).startsWith("input.")) {
                pointers.add("/" + matcher.group(1).substring("input.".length()).replace(".", "/"));
            }
        }
        return pointers;
    }

    static boolean hasPlaceholder(String text) {
        return PLACEHOLDER.matcher(text).find() || text.contains("{{");
    }

    /**
     * Fills the placeholders of a string. In a URL every value is percent-encoded, {@code /} and {@code .} included,
     * so that a value stays data inside its path segment: {@code ..} or {@code a/../b} never walks the path.
     */
    static String text(String template, JsonNode input, Map<String, String> context, boolean urlEncode) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = valueOf(matcher.group(1), input, context).map(JsonNode::asText).orElse("");
            matcher.appendReplacement(out, Matcher.quoteReplacement(urlEncode ? encodeForUrl(value) : value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    static String encodeForUrl(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace(".", "%2E")
                .replace("*", "%2A");
    }

    static JsonNode json(JsonNode template, JsonNode input, Map<String, String> context) {
        if (template == null || template.isNull() || template.isMissingNode()) {
            return null;
        }
        if (template.isTextual()) {
            Matcher whole = PLACEHOLDER.matcher(template.textValue());
            if (whole.matches()) {
                return valueOf(whole.group(1), input, context).orElse(JsonNodeFactory.instance.nullNode());
            }
            return TextNode.valueOf(text(template.textValue(), input, context, false));
        }
        if (template.isObject()) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            template.fields().forEachRemaining(e -> object.set(e.getKey(), json(e.getValue(), input, context)));
            return object;
        }
        if (template.isArray()) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            template.forEach(element -> array.add(json(element, input, context)));
            return array;
        }
        return template.deepCopy();
    }

    private static Optional<JsonNode> valueOf(String name, JsonNode input, Map<String, String> context) {
        if (name.startsWith("input.")) {
            JsonNode node = input.at("/" + name.substring("input.".length()).replace(".", "/"));
            return node.isMissingNode() ? Optional.empty() : Optional.of(node);
        }
        return Optional.ofNullable(context.get(name)).map(TextNode::valueOf);
    }
}
