package io.opsplane.eventstore;

/** Axon's storage-engine contract on the embedded store's H2 backend, the one the local run uses. */
class SequencedMongoEventStorageEngineH2ContractTest extends SequencedMongoEventStorageEngineContractTest {

    @Override
    EmbeddedMongo newStore() {
        return EmbeddedMongo.h2();
    }
}
