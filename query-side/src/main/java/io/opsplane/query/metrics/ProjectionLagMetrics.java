package io.opsplane.query.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opsplane.platform.store.EventPositions;
import io.opsplane.query.config.Projections;
import io.opsplane.query.consistency.ProjectionProgress;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * {@code opsplane.projection.lag{processor}}: how many positions each projection (the tag keeps its historical name,
 * {@code processor}, and names the projection) is behind the store's head, read from the shared token store at scrape
 * time so it is right whichever instance holds the segments of the processor running it.
 */
@Component
class ProjectionLagMetrics {

    private final Projections projections;
    private final ProjectionProgress progress;
    private final EventPositions positions;
    private final MeterRegistry meters;

    ProjectionLagMetrics(Projections projections, ProjectionProgress progress, EventPositions positions,
                         MeterRegistry meters) {
        this.projections = projections;
        this.progress = progress;
        this.positions = positions;
        this.meters = meters;
    }

    @EventListener(ApplicationReadyEvent.class)
    void register() {
        projections.names().forEach(name -> Gauge.builder("opsplane.projection.lag", () -> lag(name))
                .description("Positions between the store's head and what the projection has handled")
                .tag("processor", name).register(meters));
    }

    private double lag(String projection) {
        return Math.max(0, positions.head() - progress.processedPosition(projection));
    }
}
