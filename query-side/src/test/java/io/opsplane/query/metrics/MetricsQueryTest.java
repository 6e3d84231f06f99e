package io.opsplane.query.metrics;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsQueryTest {

    private static final Instant FROM = Instant.parse("2026-12-01T10:58:00Z");
    private static final Instant TO = Instant.parse("2026-12-01T13:02:00Z");

    @Test
    void readsWholeHoursInsideALongWindowAndMinutesAtItsEdges() {
        List<String> keys = MetricsQuery.bucketKeys("billing.refund", FROM, TO, true);

        assertThat(keys).containsExactly(
                "m|billing.refund|2026-12-01T10:58:00Z", "m|billing.refund|2026-12-01T10:59:00Z",
                "h|billing.refund|2026-12-01T11:00:00Z", "h|billing.refund|2026-12-01T12:00:00Z",
                "m|billing.refund|2026-12-01T13:00:00Z", "m|billing.refund|2026-12-01T13:01:00Z");
    }

    @Test
    void readsOnlyMinutesInAShortWindow() {
        List<String> keys = MetricsQuery.bucketKeys("billing.refund", FROM, TO, false);

        assertThat(keys).hasSize(124).allMatch(key -> key.startsWith("m|billing.refund|"));
        assertThat(keys.get(0)).isEqualTo("m|billing.refund|2026-12-01T10:58:00Z");
        assertThat(keys.get(123)).isEqualTo("m|billing.refund|2026-12-01T13:01:00Z");
    }

    @Test
    void knowsTheContractsWindowsAndNoOther() {
        assertThat(MetricsQuery.window("15m")).hasValue(Duration.ofMinutes(15));
        assertThat(MetricsQuery.window("1h")).hasValue(Duration.ofHours(1));
        assertThat(MetricsQuery.window("24h")).hasValue(Duration.ofHours(24));
        assertThat(MetricsQuery.window("7d")).hasValue(Duration.ofDays(7));
        assertThat(MetricsQuery.window("2h")).isEmpty();
        assertThat(MetricsQuery.window("")).isEmpty();
    }
}
