package io.opsplane.command.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsplane.api.execution.ExecutionMode;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ToolRequestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An execution recorded before digests followed RFC 8785 is retried with the same Idempotency-Key. */
    @Test
    void anExecutionRecordedWithTheOldCanonicalFormIsStillTheSameRequest() {
        Map<String, Object> input = Map.of("amount", 0.0001, "ratio", 123456789.123);
        JsonNode redacted = JSON.valueToTree(input);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("tool", "billing.refund");
        request.put("mode", ExecutionMode.EXECUTE.name());
        request.put("input", redacted);
        request.put("reason", "refund");
        String legacy = LegacyCanonicalJson.digest(request);
        String current = ToolRequests.executionHash("billing.refund", ExecutionMode.EXECUTE, redacted, "refund");

        assertThat(legacy).as("the two forms differ for these numbers").isNotEqualTo(current);
        assertThat(ToolRequests.executionHashAs(legacy, "billing.refund", ExecutionMode.EXECUTE, input, "refund"))
                .isEqualTo(legacy);
        assertThat(ToolRequests.executionHashAs(current, "billing.refund", ExecutionMode.EXECUTE, input, "refund"))
                .isEqualTo(current);
        assertThat(ToolRequests.executionHashAs(legacy, "billing.refund", ExecutionMode.EXECUTE,
                Map.of("amount", 0.0002, "ratio", 123456789.123), "refund")).as("another request").isNotEqualTo(legacy);
    }
}
