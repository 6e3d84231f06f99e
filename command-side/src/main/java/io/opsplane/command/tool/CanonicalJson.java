package io.opsplane.command.tool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.erdtman.jcs.JsonCanonicalizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Canonical JSON as RFC 8785 (JCS) defines it, computed by the reference Java implementation
 * ({@code io.github.erdtman:java-json-canonicalization}): members sorted by their UTF-16 code units, no insignificant
 * white space, numbers as ECMAScript writes them. Two inputs that mean the same JSON give the same bytes, so their
 * digests can pin approvals and detect idempotency key reuse.
 *
 * <p>Digests stored before this class followed RFC 8785 were made with {@link LegacyCanonicalJson}. Both forms are
 * {@code sha256:} and 64 hex digits (the API's format) and agree on everything but non-integral and very large
 * numbers; code that compares a stored digest recomputes it with {@link #digestAs}, in the form it was made in.
 */
public final class CanonicalJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CanonicalJson() {
    }

    public static String of(Object value) {
        JsonNode node = value instanceof JsonNode n ? n : MAPPER.valueToTree(value);
        if (node == null || node.isMissingNode()) {
            node = MAPPER.nullNode();
        }
        try {
            if (node.isContainerNode()) {
                return new JsonCanonicalizer(MAPPER.writeValueAsString(node)).getEncodedString();
            }
            // The library takes an object or an array at the top: a lone value is canonicalised as [value].
            String inArray = new JsonCanonicalizer("[" + MAPPER.writeValueAsString(node) + "]").getEncodedString();
            return inArray.substring(1, inArray.length() - 1);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not representable as JSON", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code sha256:} followed by the lower-case hex SHA-256 of the canonical form. */
    public static String digest(Object value) {
        return sha256(of(value));
    }

    /**
     * The digest of {@code value} in the form {@code stored} was made in: the RFC 8785 digest, unless {@code stored}
     * is the pre-RFC 8785 digest of this very value, which is then returned. Equal to {@code stored} exactly when
     * {@code value} is what was digested; a {@code null} stored digest gets the current form.
     */
    public static String digestAs(String stored, Object value) {
        String current = digest(value);
        if (stored == null || stored.equals(current)) {
            return current;
        }
        String legacy = LegacyCanonicalJson.digest(value);
        return stored.equals(legacy) ? legacy : current;
    }

    static String sha256(String canonical) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
