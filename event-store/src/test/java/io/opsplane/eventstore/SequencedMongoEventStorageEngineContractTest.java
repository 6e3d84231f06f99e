package io.opsplane.eventstore;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.BatchingEventStorageEngineTest;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.axonframework.eventsourcing.utils.EventStoreTestUtils.AGGREGATE;
import static org.axonframework.eventsourcing.utils.EventStoreTestUtils.createEvent;

/**
 * Axon's own contract for batching storage engines ({@code BatchingEventStorageEngineTest} and its parents in
 * {@code axon-eventsourcing}'s test jar), run against this engine on the embedded store: its memory backend here,
 * its H2 backend in {@link SequencedMongoEventStorageEngineH2ContractTest}.
 * <p>
 * Four contract tests are overridden because they assert what this engine decides otherwise on purpose (ADR 0002,
 * "Axon's storage-engine contract"); each override asserts the engine's own rule instead, so it can still fail:
 * <ul>
 *     <li>conflicts on an aggregate's first event raise {@link EventStreamConflictException}, a
 *     {@link ConcurrencyException}, not Axon's {@code AggregateStreamCreationException} (which is not one), so
 *     callers catch one type for every conflict;</li>
 *     <li>a duplicate key is a conflict whatever {@code PersistenceExceptionResolver} is configured: idempotency and
 *     the placeholder fill of a failed commit rest on recognising it, so a resolver cannot turn it into a generic
 *     {@code EventStoreException};</li>
 *     <li>one snapshot per aggregate, replaced by the last one stored (as axon-mongo does), not the highest sequence
 *     number kept.</li>
 * </ul>
 */
class SequencedMongoEventStorageEngineContractTest
        extends BatchingEventStorageEngineTest<SequencedMongoEventStorageEngine, SequencedMongoEventStorageEngine.Builder> {

    private EmbeddedMongo mongo;
    private SequencedMongoEventStorageEngine engine;

    /** The store the contract runs on; the H2 variant runs it on the local run's backend. */
    EmbeddedMongo newStore() {
        return EmbeddedMongo.memory();
    }

    @BeforeEach
    void startStore() {
        mongo = newStore();
        engine = createEngine();
        setTestSubject(engine);
    }

    @Override
    @AfterEach
    public void tearDown() {
        super.tearDown();
        mongo.close();
    }

    @Override
    protected SequencedMongoEventStorageEngine createEngine(
            UnaryOperator<SequencedMongoEventStorageEngine.Builder> customization) {
        return customization.apply(mongo.engine()).build();
    }

    /** Contract: {@code AggregateStreamCreationException}. Here: one conflict type, nothing of the commit stored. */
    @Test
    @Override
    public void uniqueKeyConstraintOnFirstEventIdentifierThrowsAggregateIdentifierAlreadyExistsException() {
        assertThatThrownBy(() -> engine.appendEvents(createEvent("id", AGGREGATE, 0),
                                                     createEvent("id", "otherAggregate", 0)))
                .isInstanceOfSatisfying(EventStreamConflictException.class,
                                        conflict -> assertThat(conflict.isCreation()).isTrue());
        assertNothingStoredFor(AGGREGATE, "otherAggregate");
    }

    /** Contract: {@code AggregateStreamCreationException}. Here: a creation conflict naming the aggregate. */
    @Test
    @Override
    public void storeDuplicateFirstEventWithExceptionTranslatorThrowsAggregateIdentifierAlreadyExistsException() {
        assertThatThrownBy(() -> engine.appendEvents(createEvent(0), createEvent(0)))
                .isInstanceOfSatisfying(EventStreamConflictException.class, conflict -> {
                    assertThat(conflict.isCreation()).isTrue();
                    assertThat(conflict.aggregateIdentifier()).isEqualTo(AGGREGATE);
                });
        assertNothingStoredFor(AGGREGATE);
    }

    /**
     * Contract: with a resolver that recognises no duplicate, a generic {@code EventStoreException}. Here: still a
     * conflict, since the engine recognises the server's duplicate-key error itself.
     */
    @Test
    @Override
    public void storeDuplicateEventWithoutExceptionResolver() {
        SequencedMongoEventStorageEngine withoutResolver =
                createEngine(builder -> builder.persistenceExceptionResolver(failure -> false));
        assertThatThrownBy(() -> withoutResolver.appendEvents(createEvent(0), createEvent(0)))
                .isInstanceOf(EventStreamConflictException.class)
                .isInstanceOf(ConcurrencyException.class);
        assertNothingStoredFor(AGGREGATE);
    }

    /** Contract: the snapshot with the highest sequence number. Here: the last one stored replaces the others. */
    @Test
    @Override
    public void storeAndLoadSnapshot() {
        engine.storeSnapshot(createEvent(0));
        engine.storeSnapshot(createEvent(1));
        engine.storeSnapshot(createEvent(3));
        engine.storeSnapshot(createEvent(2));
        assertThat(engine.readSnapshot(AGGREGATE)).map(DomainEventMessage::getSequenceNumber).contains(2L);
        assertThat(mongo.database().getCollection("snapshots").countDocuments()).isEqualTo(1);
    }

    private void assertNothingStoredFor(String... aggregates) {
        for (String aggregate : aggregates) {
            assertThat(engine.readEvents(aggregate).hasNext()).as(aggregate).isFalse();
        }
        assertThat(engine.readStored(-1, 10)).isEmpty();
    }
}
