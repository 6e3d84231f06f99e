package io.opsplane.query.audit;

import io.opsplane.eventstore.AuditTrail;
import io.opsplane.eventstore.SequencedMongoEventStorageEngine;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The audit trail over the platform's event storage engine. */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

    @Bean
    AuditTrail auditTrail(SequencedMongoEventStorageEngine engine, AuditProperties properties) {
        return new AuditTrail(engine, properties.maxEventsPerCheckpoint());
    }
}
