package io.opsplane.platform.request;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Checks a raw query string before anything decodes it: every {@code %} must start a two-digit hex escape and
 * the decoded bytes of every name and value must be UTF-8 (no invalid sequence, no lone surrogate). The
 * container would otherwise fail on them deep inside a parameter lookup.
 */
final class QueryString {

    private QueryString() {
    }

    /** The first parameter that does not decode (its raw name), or empty when the whole query does. */
    static Optional<String> firstUndecodable(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : rawQuery.split("&", -1)) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            if (!decodes(name) || (equals >= 0 && !decodes(pair.substring(equals + 1)))) {
                return Optional.of(decodes(name) ? decode(name) : "");
            }
        }
        return Optional.empty();
    }

    private static boolean decodes(String raw) {
        try {
            decode(raw);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String decode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IllegalArgumentException("truncated escape");
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("not a hex escape");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else if (c > 0x7F) {
                throw new IllegalArgumentException("unencoded non-ASCII character");
            } else {
                bytes.write(c == '+' ? ' ' : c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8", e);
        }
    }
}
