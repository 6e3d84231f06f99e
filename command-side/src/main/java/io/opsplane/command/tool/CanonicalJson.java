package io.opsplane.command.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * Canonical JSON in the manner of RFC 8785 (JCS): object members sorted by their UTF-16 code
 * units, no insignificant white space, numbers in their shortest form. Two inputs that mean the same
 * JSON give the same bytes, so their digests can pin approvals and detect idempotency key reuse.
 */
public final class CanonicalJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CanonicalJson() {
    }

    public static String of(Object value) {
        JsonNode node = value instanceof JsonNode n ? n : MAPPER.valueToTree(value);
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString();
    }

    /** {@code sha256:} followed by the lower-case hex SHA-256 of the canonical form. */
    public static String digest(Object value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(of(value).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
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
