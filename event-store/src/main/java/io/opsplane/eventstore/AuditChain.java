package io.opsplane.eventstore;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import io.opsplane.eventstore.audit.AuditHashes;
import org.bson.Document;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import static com.mongodb.client.model.Filters.in;
import static io.opsplane.eventstore.EventDocuments.AGGREGATE_SEQUENCE_KEY;
import static io.opsplane.eventstore.EventDocuments.HASH;
import static io.opsplane.eventstore.EventDocuments.PREVIOUS_HASH;
import static io.opsplane.eventstore.EventDocuments.aggregateIdentifier;
import static io.opsplane.eventstore.EventDocuments.sequenceKey;
import static io.opsplane.eventstore.EventDocuments.sequenceNumber;

/**
 * The per-aggregate hash chain written with every event: finds the hash each commit continues from, links the
 * commit's events to it, and remembers the last event this process wrote or loaded of each aggregate
 * ({@link ChainHeads}) so that the next commit rarely reads its predecessor back.
 */
final class AuditChain {

    private static final int CHAIN_HEADS_CACHED = 10_000;

    private final MongoCollection<Document> events;
    private final ChainHeads heads = new ChainHeads(CHAIN_HEADS_CACHED);

    AuditChain(MongoCollection<Document> events) {
        this.events = events;
    }

    /**
     * The stored hashes of the events that precede this commit's first event of each aggregate, keyed by their
     * aggregate-sequence key: from what this process last wrote or loaded of the aggregate, else one {@code $in} read
     * on the unique key. Axon appends event <i>n</i> of an aggregate only after loading event <i>n-1</i>, and the
     * unique key lets one writer store each sequence number, so the hash found here is the one the chain continues
     * from, without a transaction.
     */
    Map<String, String> predecessorHashes(List<Document> bodies) {
        Set<String> inCommit = new HashSet<>();
        List<String> wanted = new ArrayList<>();
        Map<String, String> hashes = new HashMap<>();
        for (Document body : bodies) {
            String aggregate = aggregateIdentifier(body);
            if (aggregate == null) {
                continue;
            }
            long sequence = sequenceNumber(body);
            inCommit.add(sequenceKey(aggregate, sequence));
            String predecessor = sequenceKey(aggregate, sequence - 1);
            if (sequence > 0 && !inCommit.contains(predecessor)) {
                Optional<String> known = heads.hashOf(aggregate, sequence - 1);
                if (known.isPresent()) {
                    hashes.put(predecessor, known.get());
                } else {
                    wanted.add(predecessor);
                }
            }
        }
        if (!wanted.isEmpty()) {
            for (Document document : events.find(in(AGGREGATE_SEQUENCE_KEY, wanted))
                                           .projection(Projections.include(AGGREGATE_SEQUENCE_KEY, HASH))) {
                hashes.put(document.getString(AGGREGATE_SEQUENCE_KEY), document.getString(HASH));
            }
        }
        return hashes;
    }

    /**
     * Adds each event's place in the chain: the hash of the previous event of its aggregate (from this commit or
     * from {@code predecessorHashes}) and its own hash over that and its content, once its position is final.
     */
    static void link(List<Document> documents, Map<String, String> predecessorHashes) {
        Map<String, String> hashes = new HashMap<>(predecessorHashes);
        for (Document document : documents) {
            String aggregate = aggregateIdentifier(document);
            String previous = AuditHashes.GENESIS;
            if (aggregate != null) {
                long sequence = sequenceNumber(document);
                // A predecessor that is not stored (a store written before the chain existed) leaves the link
                // broken on purpose: verification reports it rather than the chain hiding it.
                previous = sequence == 0 ? previous
                        : hashes.getOrDefault(sequenceKey(aggregate, sequence - 1), previous);
            }
            document.append(PREVIOUS_HASH, previous);
            String hash = AuditHashes.event(previous, EventDocuments.toStoredEvent(document));
            document.append(HASH, hash);
            if (aggregate != null) {
                hashes.put(document.getString(AGGREGATE_SEQUENCE_KEY), hash);
            }
        }
    }

    /** Remembers stored documents as their aggregates' heads; for a commit, each aggregate's last event wins. */
    void remember(List<Document> stored) {
        stored.forEach(this::remember);
    }

    void remember(Document stored) {
        String aggregate = aggregateIdentifier(stored);
        if (aggregate != null) {
            heads.remember(aggregate, sequenceNumber(stored), stored.getString(HASH), EventDocuments.position(stored));
        }
    }

    /** The position of event {@code sequenceNumber} of the aggregate, if it is the last one this process saw. */
    OptionalLong knownPosition(String aggregateIdentifier, long sequenceNumber) {
        return heads.positionOf(aggregateIdentifier, sequenceNumber);
    }
}
