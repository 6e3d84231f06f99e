package io.opsplane.command.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The canonical form digests were made in before {@link CanonicalJson} followed RFC 8785: members sorted, no white
 * space, integers as written, but other numbers as {@link Double#toString} spells them ({@code 1.0e-4}), which is not
 * RFC 8785 and differs between JDK versions for some values. Kept only so that digests already stored in events
 * (payload hashes, plan digests) still verify; nothing new is digested with it.
 */
final class LegacyCanonicalJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LegacyCanonicalJson() {
    }

    static String of(Object value) {
        JsonNode node = value instanceof JsonNode n ? n : MAPPER.valueToTree(value);
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString();
    }

    static String digest(Object value) {
        return CanonicalJson.sha256(of(value));
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(names.get(i), out);
                out.append(':');
                write(node.get(names.get(i)), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            Iterator<JsonNode> elements = node.elements();
            boolean first = true;
            while (elements.hasNext()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(elements.next(), out);
            }
            out.append(']');
        } else if (node.isTextual()) {
            string(node.textValue(), out);
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else if (node.isNumber()) {
            number(node, out);
        } else {
            string(node.asText(), out);
        }
    }

    private static void number(JsonNode node, StringBuilder out) {
        if (node.isIntegralNumber()) {
            out.append(node.bigIntegerValue());
            return;
        }
        BigDecimal decimal = node.decimalValue().stripTrailingZeros();
        if (decimal.scale() <= 0 && decimal.abs().compareTo(new BigDecimal("1e21")) < 0) {
            out.append(decimal.toBigInteger());
            return;
        }
        String repr = Double.toString(node.doubleValue());
        out.append(repr.replace("E", "e+").replace("e+-", "e-"));
    }

    private static void string(String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
