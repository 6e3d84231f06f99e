package io.opsplane.command.tool;

import io.opsplane.api.tool.ApprovalPolicy;
import io.opsplane.api.tool.CatalogPublishedEvent;
import io.opsplane.api.tool.PublishCatalogCommand;
import io.opsplane.api.tool.RiskLevel;
import io.opsplane.api.tool.ToolAnnotations;
import io.opsplane.api.tool.ToolSpec;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

class CatalogTest {

    private static final List<ToolSpec> TOOLS = List.of(new ToolSpec("service.healthcheck", "1.0.0", "checks",
            RiskLevel.LOW, "tools:execute", Map.of("type", "object"), Map.of("type", "object"), true, true,
            new ToolAnnotations(true, false), ApprovalPolicy.none(), List.of(), true, null, 1_000, "sha256:s"));

    private AggregateTestFixture<Catalog> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Catalog.class);
    }

    @Test
    void publishesTheFirstCatalogue() {
        fixture.givenNoPriorActivity()
                .when(new PublishCatalogCommand(Catalog.ID, "sha256:a", TOOLS))
                .expectResultMessagePayload(true)
                .expectEvents(new CatalogPublishedEvent(Catalog.ID, "sha256:a", TOOLS));
    }

    @Test
    void recordsNothingWhenTheCatalogueIsUnchanged() {
        fixture.given(new CatalogPublishedEvent(Catalog.ID, "sha256:a", TOOLS))
                .when(new PublishCatalogCommand(Catalog.ID, "sha256:a", TOOLS))
                .expectResultMessagePayload(false)
                .expectNoEvents();
    }

    @Test
    void publishesAChangedCatalogue() {
        fixture.given(new CatalogPublishedEvent(Catalog.ID, "sha256:a", TOOLS))
                .when(new PublishCatalogCommand(Catalog.ID, "sha256:b", List.of()))
                .expectResultMessagePayload(true)
                .expectEvents(new CatalogPublishedEvent(Catalog.ID, "sha256:b", List.of()));
    }
}
