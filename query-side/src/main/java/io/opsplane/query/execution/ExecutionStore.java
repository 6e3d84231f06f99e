package io.opsplane.query.execution;

import io.opsplane.api.execution.ExecutionMode;
import io.opsplane.api.execution.ExecutionStatus;
import io.opsplane.query.index.Documents;
import io.opsplane.query.index.KeyedIndex;
import io.opsplane.query.replay.ReadModels;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The {@code executions} collection (one document per execution, read by {@code _id}) and the {@code execution_lists}
 * index that orders them newest first per combination of filters (see {@link ExecutionLists}). Both are read by
 * exact or {@code $in} matches on {@code _id} only, so a page costs the same however many executions are stored.
 */
@Component
class ExecutionStore {

    static final String LISTS = "execution_lists";
    /** Creation positions lie below 2^40. */
    private static final int KEY_BITS = 40;
    /** Entries a page reads at most for a reader limited to some tools, so that a page's cost stays bounded. */
    static final int MAX_SCANNED = 2_000;

    private final MongoTemplate mongo;
    private final KeyedIndex lists;

    ExecutionStore(MongoTemplate mongo) {
        this.mongo = mongo;
        this.lists = new KeyedIndex(mongo, LISTS, KEY_BITS);
    }

    Optional<ExecutionDocument> findById(String executionId) {
        return Optional.ofNullable(mongo.findById(executionId, ExecutionDocument.class,
                ReadModels.collection(ExecutionDocument.COLLECTION)));
    }

    /** The documents of these executions, by id, with every id a key (null for an execution not stored yet). */
    Map<String, ExecutionDocument> findAll(Collection<String> executionIds) {
        Map<String, ExecutionDocument> found = new HashMap<>();
        executionIds.forEach(id -> found.put(id, null));
        if (!executionIds.isEmpty()) {
            mongo.getCollection(ReadModels.collection(ExecutionDocument.COLLECTION))
                    .find(new Document("_id", new Document("$in", List.copyOf(executionIds))))
                    .forEach(stored -> {
                        ExecutionDocument document = mongo.getConverter().read(ExecutionDocument.class, stored);
                        found.put(document.executionId(), document);
                    });
        }
        return found;
    }

    KeyedIndex.Changes changes() {
        return lists.changes();
    }

    /**
     * Writes a batch: the list changes first, then the documents. A crash in between leaves the documents as they
     * were, so the redelivered batch recomputes the same list changes, which are idempotent.
     */
    void write(KeyedIndex.Changes changes, Collection<ExecutionDocument> documents) {
        lists.apply(changes);
        Documents.replaceAll(mongo, ExecutionDocument.COLLECTION, documents, ExecutionDocument::executionId);
    }

    void deleteAll() {
        mongo.getCollection(ReadModels.collection(ExecutionDocument.COLLECTION)).deleteMany(new Document());
        lists.deleteAll();
    }

    /**
     * Up to {@code filter.limit() + 1} documents, so that the caller knows whether a next page exists; fewer, with
     * where to resume, when the reader sees only some tools and few of them among the entries read.
     *
     * @param visibleTool the tools the reading key may see ({@link io.opsplane.query.security.VisibleTools})
     */
    Documents.Slice<ExecutionDocument> page(ExecutionFilter filter, Predicate<String> visibleTool) {
        if (filter.tool().isPresent() && !visibleTool.test(filter.tool().get())) {
            return new Documents.Slice<>(List.of(), null);
        }
        KeyedIndex.Page page = new KeyedIndex.Page(ExecutionLists.of(filter), true,
                filter.after().map(cursor -> new KeyedIndex.After(cursor.createdPosition(), cursor.executionId()))
                        .orElse(null),
                filter.since().map(java.time.Instant::toEpochMilli).orElse(null),
                filter.until().map(java.time.Instant::toEpochMilli).orElse(null),
                filter.limit() + 1);
        // An entry is written just before its document; one without a document yet is a new execution at the head.
        return Documents.visiblePage(lists, page, ids -> Documents.inOrder(mongo, ExecutionDocument.COLLECTION,
                        ExecutionDocument.class, ids, ExecutionDocument::executionId, "timeline"),
                document -> visibleTool.test(document.tool()), MAX_SCANNED);
    }

    static String wireName(ExecutionStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    static String wireName(ExecutionMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }
}
