package io.opsplane.query.config;

import io.opsplane.query.eventlog.EventLogProjection;
import io.opsplane.query.execution.ExecutionProjection;
import io.opsplane.query.metrics.MetricsProjection;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * One tracking processor per projection, its token kept in the shared token store so that any
 * query-side instance can take over and every instance can see how far it got.
 */
@Configuration(proxyBeanMethods = false)
class ProjectionProcessorConfiguration {

    static final List<String> PROJECTIONS = List.of(ExecutionProjection.PROCESSING_GROUP, EventLogProjection.PROCESSING_GROUP,
            MetricsProjection.PROCESSING_GROUP, "webhooks");

    @Bean
    ConfigurerModule projectionProcessors(QueryProperties properties) {
        return configurer -> configurer.eventProcessing(processing -> PROJECTIONS.forEach(name -> processing
                .registerTrackingEventProcessor(name, c -> c.eventStore(), c -> TrackingEventProcessorConfiguration
                        .forSingleThreadedProcessing()
                        .andBatchSize(properties.projectionBatchSize()))
                // A failed write must stop the processor and be retried, never skip the event silently.
                .registerListenerInvocationErrorHandler(name, c -> PropagatingErrorHandler.instance())));
    }
}
