package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * A tool's input built from {@code field=value} words, each value typed by the tool's input schema: {@code amount=5000}
 * is the number 5000 where the schema says {@code integer}, the text "5000" where it says {@code string}.
 * {@code field:=JSON} takes a JSON value as it is; {@code a.b=value} fills a property of a nested object. A field the
 * schema does not have, or a value that does not fit its type, is a usage error naming both.
 */
final class ToolInput {

    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    /** When a value could be several types, the first that fits wins; text last, as it fits anything. */
    private static final List<String> PREFERENCE = List.of("null", "boolean", "integer", "number", "object", "array", "string");

    private final String tool;
    private final JsonNode schema;
    private final ObjectMapper json;

    ToolInput(String tool, JsonNode schema, ObjectMapper json) {
        this.tool = tool;
        this.schema = schema;
        this.json = json;
    }

    /** {@code base} (from {@code --input}, or empty) with every assignment applied in order. */
    ObjectNode build(ObjectNode base, List<String> assignments) {
        ObjectNode input = base == null ? JsonNodeFactory.instance.objectNode() : base;
        for (String assignment : assignments) {
            assign(input, assignment);
        }
        return input;
    }

    private void assign(ObjectNode input, String assignment) {
        int equals = assignment.indexOf('=');
        if (equals <= 0) {
            throw Failure.usage("'" + assignment + "' is not field=value (or field:=JSON)");
        }
        boolean raw = assignment.charAt(equals - 1) == ':';
        String field = assignment.substring(0, raw ? equals - 1 : equals);
        String value = assignment.substring(equals + 1);
        String[] path = field.split("\\.", -1);
        JsonNode propertySchema = schema;
        ObjectNode target = input;
        for (int i = 0; i < path.length; i++) {
            String name = path[i];
            String shown = String.join(".", List.of(path).subList(0, i + 1));
            if (name.isEmpty()) {
                throw Failure.usage("'" + field + "' is not a field name");
            }
            propertySchema = property(propertySchema, name, shown);
            if (i < path.length - 1) {
                JsonNode existing = target.get(name);
                if (existing == null || !existing.isObject()) {
                    target = target.putObject(name);
                } else {
                    target = (ObjectNode) existing;
                }
            }
        }
        String last = path[path.length - 1];
        target.set(last, raw ? rawJson(field, value, propertySchema) : typed(field, value, propertySchema));
    }

    /** The schema of property {@code name} of an object schema; refuses names the schema does not have. */
    private JsonNode property(JsonNode objectSchema, String name, String shown) {
        JsonNode declared = objectSchema.path("properties").get(name);
        if (declared != null) {
            return declared;
        }
        JsonNode additional = objectSchema.get("additionalProperties");
        if (additional != null && additional.isObject()) {
            return additional;
        }
        if (additional != null && additional.asBoolean(false)) {
            return JsonNodeFactory.instance.objectNode();
        }
        Set<String> known = new LinkedHashSet<>();
        objectSchema.path("properties").fieldNames().forEachRemaining(known::add);
        throw Failure.usage(tool + " has no input field '" + shown + "'"
                + (known.isEmpty() ? "" : " (its fields: " + String.join(", ", known) + ")"));
    }

    private JsonNode rawJson(String field, String value, JsonNode propertySchema) {
        JsonNode parsed = parseOrNull(value);
        if (parsed == null || parsed.isMissingNode()) {
            throw Failure.usage(field + ":= takes JSON, and '" + value + "' is not JSON");
        }
        List<String> types = types(propertySchema);
        if (!types.isEmpty() && types.stream().noneMatch(type -> fits(parsed, type))) {
            throw Failure.usage(field + ": " + value + " is not " + describe(types));
        }
        return checkEnum(field, parsed, propertySchema);
    }

    private JsonNode typed(String field, String value, JsonNode propertySchema) {
        List<String> types = types(propertySchema);
        if (types.isEmpty()) {
            return checkEnum(field, JsonNodeFactory.instance.textNode(value), propertySchema);
        }
        for (String type : PREFERENCE) {
            if (types.contains(type)) {
                JsonNode converted = convert(value, type);
                if (converted != null) {
                    return checkEnum(field, converted, propertySchema);
                }
            }
        }
        throw Failure.usage(field + ": '" + value + "' is not " + describe(types) + " (" + tool + "'s input schema)");
    }

    private JsonNode convert(String value, String type) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (type) {
            case "null" -> value.equals("null") ? nodes.nullNode() : null;
            case "boolean" -> value.equals("true") || value.equals("false") ? nodes.booleanNode(Boolean.parseBoolean(value)) : null;
            case "integer" -> INTEGER.matcher(value).matches() ? nodes.numberNode(new BigInteger(value)) : null;
            case "number" -> NUMBER.matcher(value).matches() ? number(value) : null;
            case "object", "array" -> {
                JsonNode parsed = parseOrNull(value);
                yield parsed != null && fits(parsed, type) ? parsed : null;
            }
            case "string" -> nodes.textNode(value);
            default -> null;
        };
    }

    private static JsonNode number(String value) {
        return INTEGER.matcher(value).matches()
                ? JsonNodeFactory.instance.numberNode(new BigInteger(value))
                : JsonNodeFactory.instance.numberNode(new BigDecimal(value));
    }

    private JsonNode parseOrNull(String value) {
        try {
            return json.readTree(value);
        } catch (IOException e) {
            return null;
        }
    }

    private JsonNode checkEnum(String field, JsonNode value, JsonNode propertySchema) {
        JsonNode allowed = propertySchema.has("enum") ? propertySchema.get("enum") : null;
        if (propertySchema.has("const")) {
            allowed = JsonNodeFactory.instance.arrayNode().add(propertySchema.get("const"));
        }
        if (allowed == null || !allowed.isArray()) {
            return value;
        }
        for (JsonNode option : allowed) {
            if (sameValue(option, value)) {
                return option;
            }
        }
        StringJoiner options = new StringJoiner(", ");
        allowed.forEach(option -> options.add(option.isTextual() ? option.asText() : option.toString()));
        throw Failure.usage(field + ": '" + (value.isTextual() ? value.asText() : value.toString()) + "' is not one of "
                + options);
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    /** The JSON types a property allows: its {@code type}, else the types of its {@code enum} or {@code const}. */
    static List<String> types(JsonNode propertySchema) {
        JsonNode type = propertySchema.get("type");
        List<String> types = new ArrayList<>();
        if (type != null && type.isTextual()) {
            types.add(type.asText());
        } else if (type != null && type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        } else if (propertySchema.has("enum") || propertySchema.has("const")) {
            Iterator<JsonNode> values = propertySchema.has("enum") ? propertySchema.get("enum").elements()
                    : List.of(propertySchema.get("const")).iterator();
            values.forEachRemaining(value -> {
                String name = typeOf(value);
                if (!types.contains(name)) {
                    types.add(name);
                }
            });
        }
        return types;
    }

    private static String typeOf(JsonNode value) {
        JsonNodeType type = value.getNodeType();
        return switch (type) {
            case NULL -> "null";
            case BOOLEAN -> "boolean";
            case NUMBER -> value.isIntegralNumber() ? "integer" : "number";
            case OBJECT -> "object";
            case ARRAY -> "array";
            default -> "string";
        };
    }

    private static boolean fits(JsonNode value, String type) {
        return switch (type) {
            case "null" -> value.isNull();
            case "boolean" -> value.isBoolean();
            case "integer" -> value.isIntegralNumber()
                    || value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0;
            case "number" -> value.isNumber();
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            default -> false;
        };
    }

    private static String describe(List<String> types) {
        StringJoiner text = new StringJoiner(" or ");
        for (String type : types) {
            text.add(switch (type) {
                case "integer" -> "an integer";
                case "object", "array" -> "a JSON " + type;
                default -> "a " + type;
            });
        }
        return text.toString();
    }
}
