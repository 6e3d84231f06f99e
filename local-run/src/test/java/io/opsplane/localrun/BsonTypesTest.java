package io.opsplane.localrun;

import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The order of unique-index keys in the on-disk store: the server's own, for every pair of values. */
class BsonTypesTest {

    private static final Comparator<Object> SERVER = ValueComparator.asc();

    @Test
    void indexValuesCompareAsTheServerOrdersThemWhetherDirectOrNot() {
        List<Object> values = new ArrayList<>(List.of(
                "", "a", "ab", "b", "B", "exec-0001", "exec-0010", "é", "\uD83D\uDE00",
                0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40,
                0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE,
                1.0, 1.5, -0.5, 2.0e12,
                new ObjectId(), new ObjectId(), new ObjectId("5f1d7a0b0000000000000000"),
                Instant.parse("2026-12-07T00:00:00Z"), Instant.parse("1969-12-31T23:59:59.999Z"), Instant.EPOCH,
                true, false, new Document("x", 1)));
        values.add(null);

        int direct = 0;
        for (Object one : values) {
            for (Object other : values) {
                int server = Integer.signum(SERVER.compare(one, other));
                assertThat(Integer.signum(BsonTypes.compareIndexValues(one, other)))
                        .as("%s vs %s", one, other).isEqualTo(server);
                if (kind(one) != null && kind(one).equals(kind(other))) {
                    direct++;
                }
            }
        }
        // The pairs the direct comparisons answer are among those checked: 9² strings, 11² whole numbers (longs and
        // ints, mixed), 3² object ids and 3² instants.
        assertThat(direct).isEqualTo(81 + 121 + 9 + 9);
    }

    /** The kinds of value the store compares without the server's comparator; null for the others. */
    private static String kind(Object value) {
        if (value instanceof Long || value instanceof Integer) {
            return "whole number";
        }
        return value instanceof String || value instanceof ObjectId || value instanceof Instant
                ? value.getClass().getSimpleName() : null;
    }
}
