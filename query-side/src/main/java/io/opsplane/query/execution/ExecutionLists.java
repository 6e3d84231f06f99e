package io.opsplane.query.execution;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The lists an execution belongs to: one per combination of the filters {@code tool}, {@code status}, {@code mode}
 * and {@code actor} (sixteen, the unfiltered list included), so that any combination of filters reads one list.
 * A list's name spells its filter values, each URL-encoded, in a fixed order.
 */
final class ExecutionLists {

    private static final String[] DIMENSIONS = {"t", "s", "m", "a"};

    private ExecutionLists() {
    }

    /** The lists of an execution with these values; a null value leaves out the lists filtering on it. */
    static List<String> of(String tool, String status, String mode, String actor) {
        String[] values = {tool, status, mode, actor};
        List<String> lists = new ArrayList<>();
        for (int combination = 0; combination < 1 << DIMENSIONS.length; combination++) {
            String[] chosen = new String[DIMENSIONS.length];
            boolean complete = true;
            for (int dimension = 0; dimension < DIMENSIONS.length; dimension++) {
                if ((combination & 1 << dimension) != 0) {
                    complete &= values[dimension] != null;
                    chosen[dimension] = values[dimension];
                }
            }
            if (complete) {
                lists.add(name(chosen));
            }
        }
        return lists;
    }

    /** The one list that answers a filter. */
    static String of(ExecutionFilter filter) {
        return name(new String[] {filter.tool().orElse(null),
                filter.status().map(ExecutionStore::wireName).orElse(null),
                filter.mode().map(ExecutionStore::wireName).orElse(null),
                filter.actor().orElse(null)});
    }

    private static String name(String[] values) {
        StringBuilder name = new StringBuilder("x");
        for (int dimension = 0; dimension < DIMENSIONS.length; dimension++) {
            if (values[dimension] != null) {
                name.append('&').append(DIMENSIONS[dimension]).append('=')
                        .append(URLEncoder.encode(values[dimension], StandardCharsets.UTF_8));
            }
        }
        return name.toString();
    }
}
