package io.opsplane.query.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opsplane.platform.store.EventPositions;
import io.opsplane.query.consistency.ProjectionProgress;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * {@code opsplane.projection.lag{processor}}: how many positions each streaming processor of this application is
 * behind the store's head, read from the shared token store at scrape time so it is right whichever instance holds
 * the processor's segments.
 */
@Component
class ProjectionLagMetrics {

    private final EventProcessingConfiguration processing;
    private final ProjectionProgress progress;
    private final EventPositions positions;
    private final MeterRegistry meters;

    ProjectionLagMetrics(EventProcessingConfiguration processing, ProjectionProgress progress, EventPositions positions,
                         MeterRegistry meters) {
        this.processing = processing;
        this.progress = progress;
        this.positions = positions;
        this.meters = meters;
    }

    @EventListener(ApplicationReadyEvent.class)
    void register() {
        processing.eventProcessors().forEach((name, processor) -> {
            if (processor instanceof StreamingEventProcessor) {
                Gauge.builder("opsplane.projection.lag", () -> lag(name))
                        .description("Positions between the store's head and what the processor has handled")
                        .tag("processor", name).register(meters);
            }
        });
    }

    private double lag(String processor) {
        return Math.max(0, positions.head() - progress.processedPosition(processor));
    }
}
