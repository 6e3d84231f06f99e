package io.opsplane.query.tool;

import io.opsplane.query.config.QueryProperties;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code tools} projection's tracking processor, configured like every other projection's. */
@Configuration(proxyBeanMethods = false)
class ToolCatalogProcessorConfiguration {

    @Bean
    ConfigurerModule toolCatalogProcessor(QueryProperties properties) {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerTrackingEventProcessor(ToolCatalogProjection.PROCESSING_GROUP, c -> c.eventStore(),
                        c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                                .andBatchSize(properties.projectionBatchSize()))
                // A failed write must stop the processor and be retried, never skip the event silently.
                .registerListenerInvocationErrorHandler(ToolCatalogProjection.PROCESSING_GROUP,
                        c -> PropagatingErrorHandler.instance()));
    }
}
