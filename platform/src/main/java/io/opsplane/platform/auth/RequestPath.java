package io.opsplane.platform.auth;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The one spelling of a request path that the API serves. A path is canonical when the server's
 * router and a prefix check on the raw text cannot disagree about it: no {@code ;} parameters, no
 * empty segment ({@code //}), no {@code .} or {@code ..} segment, no backslash, no trailing slash
 * (except {@code /} itself), and percent-encoding only where it is needed — never for an
 * unreserved character (RFC 3986 section 2.3, {@code %76} for {@code v}), a slash, a backslash, a
 * semicolon, a percent sign or a control character, and always of valid UTF-8.
 *
 * <p>Everything the edge decides from a path (public or not, which limits apply) is decided on the
 * decoded canonical path; a request whose path is not canonical is refused before anything else.
 */
public final class RequestPath {

    private final String decoded;

    private RequestPath(String decoded) {
        this.decoded = decoded;
    }

    /** The decoded path (percent-escapes resolved), e.g. {@code /v1/tools/billing.refund}. */
    public String decoded() {
        return decoded;
    }

    /** Whether the path is {@code prefix} itself or lies below it ({@code /v1} and {@code /v1/...}). */
    public boolean isAtOrBelow(String prefix) {
        return decoded.equals(prefix) || decoded.startsWith(prefix + "/");
    }

    /**
     * Parses the raw request path (as sent, before any decoding).
     *
     * @return the path, or a reason why its spelling is not canonical
     */
    public static Result parse(String raw) {
        if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
            return Result.refused("the path must start with '/'");
        }
        if (raw.indexOf(';') >= 0) {
            return Result.refused("path parameters (';') are not served");
        }
        if (raw.indexOf('\\') >= 0) {
            return Result.refused("a backslash is not allowed in a path");
        }
        if (raw.length() > 1 && raw.endsWith("/")) {
            return Result.refused("a path does not end with '/'");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || hex(raw.charAt(i + 1)) < 0 || hex(raw.charAt(i + 2)) < 0) {
                    return Result.refused("a '%' must start a two-digit percent-encoding");
                }
                int b = hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2));
                if (mustNotBeEncoded(b)) {
                    return Result.refused("the percent-encoding %" + raw.substring(i + 1, i + 3)
                            + " is not allowed in a path");
                }
                bytes.write(b);
                i += 2;
            } else if (c < 0x21 || c > 0x7e) {
                return Result.refused("a path character must be printable ASCII");
            } else {
                bytes.write(c);
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return Result.refused("the path's percent-encoding is not valid UTF-8");
        }
        if (raw.length() > 1) {
            for (String segment : raw.substring(1).split("/", -1)) {
                if (segment.isEmpty()) {
                    return Result.refused("a path has no empty segments ('//')");
                }
                if (segment.equals(".") || segment.equals("..")) {
                    return Result.refused("a path has no '.' or '..' segments");
                }
            }
        }
        return new Result(new RequestPath(decoded), null);
    }

    /** Characters that are never percent-encoded in a canonical path, or must never appear decoded in one. */
    private static boolean mustNotBeEncoded(int b) {
        boolean unreserved = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                || b == '-' || b == '.' || b == '_' || b == '~';
        return unreserved || b == '/' || b == '\\' || b == ';' || b == '%' || b < 0x20 || b == 0x7f;
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    /** A canonical path, or the reason a spelling is refused. */
    public record Result(RequestPath path, String refusal) {

        static Result refused(String reason) {
            return new Result(null, reason);
        }

        public Optional<RequestPath> canonical() {
            return Optional.ofNullable(path);
        }
    }
}
