package io.opsplane.query.config;

import io.opsplane.query.eventlog.EventLogProjection;
import io.opsplane.query.metrics.MetricsProjection;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Collection;
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
    ConfigurerModule projectionProcessors(QueryProperties properties, StoppableSources sources,
                                          ObjectProvider<Projections> projections) {
        return configurer -> configurer.eventProcessing(processing -> {
            List.of(STATE, HISTORY).forEach(name -> processing.registerTrackingEventProcessor(name,
                    c -> sources.of(name, c.eventStore()),
                    c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                            .andBatchSize(properties.projectionBatchSize())
                            .andInitialTrackingToken(source -> startOf(name, projections.getObject().names(),
                                    c.eventProcessingConfiguration().tokenStore(name), source))));
            processing.assignProcessingGroup(ProjectionProcessorConfiguration::processorOf)
                    // A failed write must stop the processor and be retried, never skip the event silently.
                    .registerDefaultListenerInvocationErrorHandler(c -> PropagatingErrorHandler.instance());
        });
    }

    private static String processorOf(String projection) {
        return IN_HISTORY.contains(projection) ? HISTORY : STATE;
    }

    /**
     * Where a grouped processor starts on a store that has no token of its own. Before the grouping, each projection
     * ran in a processor named after it; on a store those processors projected, the group starts where the slowest
     * of its projections had got to (a projection is idempotent for an event it has already handled, and they usually
     * all stopped at the head), instead of projecting the whole store again. On any other store, from the start.
     */
    static TrackingToken startOf(String processor, Collection<String> projections, TokenStore tokens,
                                 StreamableMessageSource<TrackedEventMessage<?>> source) {
        TrackingToken start = null;
        for (String projection : projections) {
            if (!processorOf(projection).equals(processor)) {
                continue;
            }
            int[] segments = tokens.fetchSegments(projection);
            if (segments.length == 0) {
                return source.createTailToken(); // this projection never ran alone: everything from the start
            }
            for (int segment : segments) {
                // Claims the old processor's segment (nothing runs it any more), then lets it go.
                TrackingToken token = tokens.fetchToken(projection, segment);
                tokens.releaseClaim(projection, segment);
                if (token == null) {
                    return source.createTailToken();
                }
                start = start == null ? token : start.lowerBound(token);
            }
        }
        return start == null ? source.createTailToken() : start;
    }
}
