package io.opsplane.query.config;

import io.opsplane.query.eventlog.EventLogProjection;
import io.opsplane.query.metrics.MetricsProjection;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;
import java.util.Set;

/**
 * The tracking processors that run the projections, their tokens in the shared token store so that any query-side
 * instance can take over and every instance can see how far each got. Projections are grouped so that the stream is
 * read twice, not once per projection, and so that every batch of each processor has events to handle (each group has
 * a projection that sees every event), so no token is written for a batch that changed nothing:
 * <ul>
 *     <li>{@value #HISTORY}: the event log and the metrics, what happened over time;</li>
 *     <li>{@value #STATE}: every other projection (executions, approvals, tools, keys, webhooks), the current state
 *     of each thing, which a new projection joins without being named here.</li>
 * </ul>
 * Two processors, not one, so that the two halves of the work can use two cores.
 */
@Configuration(proxyBeanMethods = false)
class ProjectionProcessorConfiguration {

    static final String STATE = "state";
    static final String HISTORY = "history";
    private static final Set<String> IN_HISTORY = Set.of(EventLogProjection.PROCESSING_GROUP,
            MetricsProjection.PROCESSING_GROUP);

    @Bean
    ConfigurerModule projectionProcessors(QueryProperties properties, StoppableSources sources) {
        return configurer -> configurer.eventProcessing(processing -> {
            List.of(STATE, HISTORY).forEach(name -> processing.registerTrackingEventProcessor(name,
                    c -> sources.of(name, c.eventStore()),
                    c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                            .andBatchSize(properties.projectionBatchSize())));
            processing.assignProcessingGroup(group -> IN_HISTORY.contains(group) ? HISTORY : STATE)
                    // A failed write must stop the processor and be retried, never skip the event silently.
                    .registerDefaultListenerInvocationErrorHandler(c -> PropagatingErrorHandler.instance());
        });
    }
}
