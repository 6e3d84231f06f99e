package io.opsplane.query.config;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The query side's projections: every bean with a {@code @ProcessingGroup}, named by it and nowhere else (the name
 * clients use for {@code minPosition} reads, replays and the lag metric), and the processor that runs each one
 * ({@link ProjectionProcessorConfiguration}).
 */
@Component
public class Projections {

    private final ApplicationContext context;
    private final EventProcessingConfiguration processing;
    private volatile SortedMap<String, Object> handlers;

    Projections(ApplicationContext context, EventProcessingConfiguration processing) {
        this.context = context;
        this.processing = processing;
    }

    /** Every projection's name, sorted. */
    public SortedSet<String> names() {
        return new TreeSet<>(handlers().keySet());
    }

    /** The event handler bean of projection {@code name}. */
    public Object handler(String name) {
        Object handler = handlers().get(name);
        if (handler == null) {
            throw new IllegalArgumentException("No projection " + name);
        }
        return handler;
    }

    /** The processor that runs projection {@code name}; empty for a name that is not a projection's. */
    public Optional<String> processorOf(String name) {
        if (!handlers().containsKey(name)) {
            return Optional.empty();
        }
        return processing.eventProcessorByProcessingGroup(name).map(EventProcessor::getName);
    }

    /** The tracking processor that runs projection {@code name}. */
    public TrackingEventProcessor processor(String name) {
        return processing.eventProcessorByProcessingGroup(name, TrackingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("No tracking processor runs projection " + name));
    }

    private Map<String, Object> handlers() {
        SortedMap<String, Object> found = handlers;
        if (found == null) {
            found = new TreeMap<>();
            for (Object bean : context.getBeansWithAnnotation(ProcessingGroup.class).values()) {
                ProcessingGroup group = AopUtils.getTargetClass(bean).getAnnotation(ProcessingGroup.class);
                found.put(group.value(), bean);
            }
            handlers = found;
        }
        return found;
    }
}
