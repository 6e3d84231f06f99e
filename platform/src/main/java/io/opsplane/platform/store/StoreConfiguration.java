package io.opsplane.platform.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.mongodb.client.MongoClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.opsplane.eventstore.SequencedMongoEventStorageEngine;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.MongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.micrometer.GlobalMetricRegistry;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.data.mongodb.MongoDatabaseFactory;

import java.util.OptionalLong;

/**
 * The store both applications share: Axon's serializers (Jackson 2, no default typing), the event
 * storage engine with a global position (ADR 0002), the token store, the event store with a short fetch delay so that another
 * process sees new events within tens of milliseconds, a count of the commands sent to the store, and a store
 * health check.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StoreProperties.class)
public class StoreConfiguration {

    /** The Jackson 2 mapper for Axon messages; events must be plain records, never polymorphic. */
    static ObjectMapper messageMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    }

    @Bean
    @Primary
    Serializer serializer() {
        return JacksonSerializer.builder().objectMapper(messageMapper()).build();
    }

    @Bean
    @Qualifier("eventSerializer")
    Serializer eventSerializer() {
        return JacksonSerializer.builder().objectMapper(messageMapper()).build();
    }

    @Bean
    @Qualifier("messageSerializer")
    Serializer messageSerializer() {
        return JacksonSerializer.builder().objectMapper(messageMapper()).build();
    }

    @Bean
    MongoTemplate axonMongoTemplate(MongoClient client, MongoDatabaseFactory databaseFactory) {
        return DefaultMongoTemplate.builder()
                .mongoDatabase(client, databaseFactory.getMongoDatabase().getName())
                .build();
    }

    @Bean
    SequencedMongoEventStorageEngine eventStorageEngine(MongoClient client, MongoDatabaseFactory databaseFactory,
                                                        Serializer serializer,
                                                        @Qualifier("eventSerializer") Serializer eventSerializer,
                                                        StoreProperties properties) {
        return SequencedMongoEventStorageEngine.builder()
                .database(client.getDatabase(databaseFactory.getMongoDatabase().getName()))
                .mongoClient(client)
                .eventSerializer(eventSerializer)
                .snapshotSerializer(serializer)
                .batchSize(properties.batchSize())
                .gapTimeout(properties.gapTimeout())
                .build();
    }

    @Bean
    EventPositions eventPositions(SequencedMongoEventStorageEngine engine) {
        return new EventPositions() {
            @Override
            public OptionalLong positionOf(String aggregateId, long sequenceNumber) {
                return engine.positionOf(aggregateId, sequenceNumber);
            }

            @Override
            public long head() {
                return engine.headPosition();
            }
        };
    }

    @Bean
    TokenStore tokenStore(MongoTemplate axonMongoTemplate, Serializer serializer) {
        return MongoTokenStore.builder().mongoTemplate(axonMongoTemplate).serializer(serializer).build();
    }

    @Bean
    EmbeddedEventStore eventStore(SequencedMongoEventStorageEngine storageEngine, Configuration configuration,
                                  StoreProperties properties) {
        return EmbeddedEventStore.builder()
                .storageEngine(storageEngine)
                .messageMonitor(configuration.messageMonitor(org.axonframework.eventsourcing.eventstore.EventStore.class,
                        "eventStore"))
                .fetchDelay(properties.fetchDelay().toMillis())
                .build();
    }

    /** Axon's message metrics without its ten-minute capacity windows (see {@link BoundedMessageMetrics}). */
    @Bean
    GlobalMetricRegistry boundedMessageMetrics(MeterRegistry registry) {
        return new BoundedMessageMetrics(registry);
    }

    @Bean
    StoreCommandCounter storeCommandCounter(MeterRegistry registry) {
        return new StoreCommandCounter(registry);
    }

    @Bean
    MongoClientSettingsBuilderCustomizer storeCommandCounting(StoreCommandCounter counter) {
        return settings -> settings.addCommandListener(counter);
    }

    @Bean
    StoreHealthIndicator storeHealthIndicator(org.springframework.data.mongodb.core.MongoTemplate mongo) {
        return new StoreHealthIndicator(mongo);
    }
}
