package io.opsplane.query.approval;

import io.opsplane.query.config.QueryProperties;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code approvals} projection's tracking processor, set up like every other projection's. */
@Configuration(proxyBeanMethods = false)
class ApprovalProcessorConfiguration {

    @Bean
    ConfigurerModule approvalProjectionProcessor(QueryProperties properties) {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerTrackingEventProcessor(ApprovalProjection.PROCESSING_GROUP, c -> c.eventStore(),
                        c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                                .andBatchSize(properties.projectionBatchSize()))
                // A failed write must stop the processor and be retried, never skip the event silently.
                .registerListenerInvocationErrorHandler(ApprovalProjection.PROCESSING_GROUP,
                        c -> PropagatingErrorHandler.instance()));
    }
}
