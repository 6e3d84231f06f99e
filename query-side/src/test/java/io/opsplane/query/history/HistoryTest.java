package io.opsplane.query.history;

import io.opsplane.api.execution.ExecutionStartedEvent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistoryTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void eachEventAddsOneEntryInOrderWithoutTheFieldsTheViewHolds() {
        Instant at = Instant.parse("2026-12-07T10:15:30.123456Z");
        String once = History.append(json, null, started("ex-1"), at, 1, 41, List.of("executionId"));
        String twice = History.append(json, once, started("ex-1"), at.plusSeconds(1), 2, 42, List.of("executionId"));

        JsonNode entries = json.readTree(twice);
        assertThat(entries.size()).isEqualTo(2);
        assertThat(entries.get(0)).isEqualTo(json.readTree(once).get(0));
        assertThat(entries.get(1).get("position").asLong()).isEqualTo(42);
        assertThat(entries.get(1).get("sequence").asLong()).isEqualTo(2);
        assertThat(entries.get(1).get("type").asString()).isEqualTo("execution.started");
        assertThat(entries.get(1).get("timestamp").asString()).isEqualTo("2026-12-07T10:15:31.123Z");
        assertThat(entries.get(1).get("payload").has("executionId")).isFalse();
        assertThat(entries.get(1).get("payload").get("runner").asString()).isEqualTo("runner-1");
        assertThat(History.append(json, "[]", started("ex-1"), at, 0, 40, List.of()))
                .isEqualTo(History.append(json, null, started("ex-1"), at, 0, 40, List.of()));
    }

    @Test
    void refusesAStoredHistoryThatIsNotAnArray() {
        assertThatThrownBy(() -> History.append(json, "{}", started("ex-1"), Instant.EPOCH, 0, 1, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static ExecutionStartedEvent started(String executionId) {
        return new ExecutionStartedEvent(executionId, "runner-1", 1);
    }
}
