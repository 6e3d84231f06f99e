package io.opsplane.query.security;

import io.opsplane.platform.auth.AuthenticatedKey;
import org.springframework.data.mongodb.core.query.Criteria;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.springframework.data.mongodb.core.query.Criteria.where;

/**
 * What a key limited to tool patterns may read: the records (approval requests, executions) of the
 * tools it may use, and nothing of the others. One place turns the key's patterns into a store
 * criterion, so that lists filter in the store and a page is never short of what the key may see.
 */
public final class VisibleTools {

    private VisibleTools() {
    }

    /**
     * A criterion on {@code field} (a tool name) that admits exactly the tools {@link AuthenticatedKey#mayUseTool}
     * admits; empty for a key that is not limited. Exact names become one {@code $in}, each {@code prefix.*} an
     * anchored prefix regex, which MongoDB answers from an index on the field.
     */
    public static Optional<Criteria> criterion(AuthenticatedKey key, String field) {
        if (!isLimited(key)) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        List<Criteria> alternatives = new ArrayList<>();
        for (String pattern : key.toolPatterns()) {
            if (pattern.endsWith("*")) {
                alternatives.add(where(field).regex("^" + escaped(pattern.substring(0, pattern.length() - 1))));
            } else {
                names.add(pattern);
            }
        }
        if (!names.isEmpty()) {
            alternatives.add(where(field).in(names));
        }
        return Optional.of(alternatives.size() == 1 ? alternatives.get(0)
                : new Criteria().orOperator(alternatives));
    }

    /** Whether the key is limited to some tools at all ({@code *} alone admits every tool). */
    public static boolean isLimited(AuthenticatedKey key) {
        List<String> patterns = key.toolPatterns();
        return patterns != null && !patterns.isEmpty() && !patterns.contains("*");
    }

    /** Every character but letters and digits escaped, so that a tool name's {@code .} matches only itself. */
    private static String escaped(String literal) {
        StringBuilder regex = new StringBuilder();
        literal.codePoints().forEach(c -> {
            if (!Character.isLetterOrDigit(c)) {
                regex.append('\\');
            }
            regex.appendCodePoint(c);
        });
        return regex.toString();
    }
}
