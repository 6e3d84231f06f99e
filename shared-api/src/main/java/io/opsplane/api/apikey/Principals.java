package io.opsplane.api.apikey;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Objects;

/**
 * The normal form principals are compared in: Unicode NFKC, trimmed, and lower-cased when the
 * principal is an e-mail address, so that {@code bob@example.com} and {@code  BOB@Example.com} are
 * one person. Keys are issued with normalised principals and owners; principals recorded before that
 * are normalised wherever they are compared, so old keys and events compare correctly too.
 */
public final class Principals {

    private Principals() {
    }

    /**
     * The normal form of {@code principal}; {@code null} stays {@code null}. NFKC comes first because it
     * turns some characters (an ideographic space, for one) into the ASCII ones that trimming removes.
     */
    public static String normalise(String principal) {
        if (principal == null) {
            return null;
        }
        String normal = Normalizer.normalize(principal, Normalizer.Form.NFKC).strip();
        return isEmailAddress(normal) ? normal.toLowerCase(Locale.ROOT) : normal;
    }

    /** Whether two principals name the same person or agent once both are normalised. */
    public static boolean same(String a, String b) {
        return Objects.equals(normalise(a), normalise(b));
    }

    /**
     * {@code local@domain}: one {@code @} with text on both sides, no whitespace, and no {@code :} in the
     * local part (so that {@code agent:deploy-bot@ci}, an agent identity, keeps its case).
     */
    static boolean isEmailAddress(String principal) {
        int at = principal.indexOf('@');
        if (at <= 0 || at != principal.lastIndexOf('@') || at == principal.length() - 1) {
            return false;
        }
        return principal.codePoints().noneMatch(Character::isWhitespace)
                && principal.substring(0, at).indexOf(':') < 0;
    }
}
