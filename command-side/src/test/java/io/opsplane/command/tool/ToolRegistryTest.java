package io.opsplane.command.tool;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.tool.RiskLevel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ToolRegistryTest {

    @Test
    void refusesAToolUnderTheReservedOpsplanePrefix() {
        assertThatThrownBy(() -> new ToolRegistry(List.of(named("ops.ok"), named("Opsplane.plan")), "PT24H"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Opsplane.plan").hasMessageContaining("reserved prefix opsplane.");
    }

    @Test
    void acceptsNamesThatOnlyResembleThePrefix() {
        ToolRegistry registry = new ToolRegistry(List.of(named("opsplaneish.plan"), named("billing.opsplane")), "PT24H");

        assertThat(registry.all()).hasSize(2);
        assertThat(ToolRegistry.isReservedName("opsplane.execution")).isTrue();
    }

    @Test
    void aToolsRefCarriesTheDigestOfTheSchemaItHasNowAskedAgainOrRebuilt() {
        Tool tool = named("ops.ok");
        String digest = CanonicalJson.digest(Schemas.parse("{\"type\":\"object\"}"));

        assertThat(ToolRegistry.refOf(tool.descriptor()).schemaDigest()).isEqualTo(digest);
        assertThat(ToolRegistry.refOf(tool.descriptor()).schemaDigest()).isEqualTo(digest);
        ToolDescriptor changed = ToolDescriptor.builder("ops.ok").version("1").description("test")
                .riskLevel(RiskLevel.LOW).inputSchema(Schemas.parse("{\"type\":\"object\",\"required\":[\"id\"]}"))
                .outputSchema(Schemas.parse("{\"type\":\"object\"}")).timeout(Duration.ofSeconds(1)).build();
        assertThat(ToolRegistry.refOf(changed).schemaDigest()).isNotEqualTo(digest)
                .isEqualTo(CanonicalJson.digest(changed.inputSchema()));
    }

    private static Tool named(String name) {
        return new Tool() {
            @Override
            public ToolDescriptor descriptor() {
                return ToolDescriptor.builder(name)
                        .version("1")
                        .description("test")
                        .riskLevel(RiskLevel.LOW)
                        .inputSchema(Schemas.parse("{\"type\":\"object\"}"))
                        .outputSchema(Schemas.parse("{\"type\":\"object\"}"))
                        .supportsPlan()
                        .idempotent()
                        .readOnly()
                        .timeout(Duration.ofSeconds(1))
                        .build();
            }

            @Override
            public List<Effect> plan(JsonNode input) {
                return List.of();
            }

            @Override
            public Map<String, Object> run(JsonNode input, ToolContext context) {
                return Map.of();
            }
        };
    }
}
