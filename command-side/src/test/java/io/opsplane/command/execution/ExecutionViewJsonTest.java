package io.opsplane.command.execution;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.execution.ExecutionMode;
import io.opsplane.api.execution.ExecutionStatus;
import io.opsplane.api.execution.ExecutionView;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An execution view is written as its record components, in their order, by the web layer's
 * Jackson and by Axon's: its builder adds nothing to the JSON clients and stored messages see.
 */
class ExecutionViewJsonTest {

    private static final List<String> COMPONENTS = Arrays.stream(ExecutionView.class.getRecordComponents())
            .map(RecordComponent::getName).toList();

    private final ExecutionView view = ExecutionView.builder()
            .executionId("ex-1")
            .tool("service.healthcheck")
            .toolVersion("1.0.0")
            .mode(ExecutionMode.EXECUTE)
            .status(ExecutionStatus.PENDING_APPROVAL)
            .input(Map.of("url", "https://example.com"))
            .actor(new Actor("key-1", "alice@example.com", ActorKind.HUMAN, null))
            .approvalRequestId("ar-1")
            .createdAt(Instant.parse("2026-12-06T10:00:00Z"))
            .steps(List.of())
            .position(42)
            .build();

    @Test
    void theWebLayerWritesTheRecordsComponentsInOrder() {
        List<String> names = new ArrayList<>(JsonMapper.builder().build().valueToTree(view).propertyNames());

        assertThat(names).isEqualTo(COMPONENTS);
    }

    @Test
    void axonsSerializerWritesTheRecordsComponentsInOrder() {
        List<String> names = new ArrayList<>();
        new ObjectMapper().registerModule(new JavaTimeModule()).valueToTree(view).fieldNames().forEachRemaining(names::add);

        assertThat(names).isEqualTo(COMPONENTS);
    }

    @Test
    void aViewRebuiltFromItselfIsEqualAndAtPositionChangesOnlyThePosition() {
        assertThat(view.toBuilder().build()).isEqualTo(view);
        ExecutionView later = view.atPosition(43);
        assertThat(later.position()).isEqualTo(43);
        assertThat(later.toBuilder().position(42).build()).isEqualTo(view);
    }
}
