package io.opsplane.query.approval;

import io.opsplane.query.index.Documents;
import io.opsplane.query.index.KeyedIndex;
import io.opsplane.query.replay.ReadModels;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The {@code approval_requests} collection (read by {@code _id}) and the {@code approval_lists} index: every request
 * newest first (by creation position), by status, by tool and by both; and the pending inbox, soonest-expiring
 * first, of all tools and by tool. Both are read by exact or {@code $in} matches on {@code _id} only.
 */
@Component
class ApprovalStore {

    static final String LISTS = "approval_lists";
    static final String PENDING = "pending";
    /** Entries a page reads at most for a reader limited to some tools, so that a page's cost stays bounded. */
    static final int MAX_SCANNED = 2_000;

    private final MongoTemplate mongo;
    /** Keyed by creation position, below 2^40. */
    private final KeyedIndex newest;
    /** Keyed by expiry in epoch milliseconds, below 2^48. */
    private final KeyedIndex inbox;

    ApprovalStore(MongoTemplate mongo) {
        this.mongo = mongo;
        this.newest = new KeyedIndex(mongo, LISTS, 40);
        this.inbox = new KeyedIndex(mongo, LISTS, 48);
    }

    Optional<ApprovalDocument> findById(String id) {
        return Optional.ofNullable(mongo.findById(id, ApprovalDocument.class, ReadModels.collection(ApprovalDocument.COLLECTION)));
    }

    /** Changes to the lists of both orders, which share one collection: their list names differ. */
    record ListChanges(KeyedIndex.Changes newest, KeyedIndex.Changes inbox) {
    }

    ListChanges changes() {
        return new ListChanges(newest.changes(), inbox.changes());
    }

    /** Records in {@code changes} how the request moves between lists. */
    void relist(ListChanges changes, ApprovalDocument before, ApprovalDocument after) {
        if (before != null) {
            for (String list : newestLists(before)) {
                if (!newestLists(after).contains(list)) {
                    changes.newest().remove(list, before.createdPosition(), before.id());
                }
            }
            if (PENDING.equals(before.status()) && !PENDING.equals(after.status())) {
                inboxLists(before).forEach(list -> changes.inbox().remove(list, before.expiresAtMillis(), before.id()));
            }
        }
        long at = after.createdAt() == null ? 0 : after.createdAt().toEpochMilli();
        List<String> old = before == null ? List.of() : newestLists(before);
        newestLists(after).stream().filter(list -> !old.contains(list))
                .forEach(list -> changes.newest().add(list, after.createdPosition(), after.id(), at));
        if (PENDING.equals(after.status()) && (before == null || !PENDING.equals(before.status()))) {
            inboxLists(after).forEach(list -> changes.inbox().add(list, after.expiresAtMillis(), after.id(), at));
        }
    }

    /** Writes a batch: the lists first, then the documents (see {@code ExecutionStore#write}). */
    void write(ListChanges changes, Collection<ApprovalDocument> documents) {
        newest.apply(changes.newest());
        inbox.apply(changes.inbox());
        Documents.replaceAll(mongo, ApprovalDocument.COLLECTION, documents, ApprovalDocument::id);
    }

    void deleteAll() {
        mongo.getCollection(ReadModels.collection(ApprovalDocument.COLLECTION)).deleteMany(new Document());
        newest.deleteAll();
    }

    /**
     * Up to {@code limit + 1} documents, so the caller knows whether a next page exists. Pending
     * requests come soonest-expiring first (the approver's inbox); any other listing newest first. A reader who
     * sees only some tools may get fewer, with where to resume.
     *
     * @param visibleTool the tools the reading key may see ({@link io.opsplane.query.security.VisibleTools})
     */
    Documents.Slice<ApprovalDocument> page(String status, String tool, ApprovalCursor after, int limit,
                                           Predicate<String> visibleTool) {
        if (tool != null && !visibleTool.test(tool)) {
            return new Documents.Slice<>(List.of(), null);
        }
        KeyedIndex.After from = after == null ? null : new KeyedIndex.After(after.key(), after.id());
        boolean pending = PENDING.equals(status);
        KeyedIndex.Page page = pending ? new KeyedIndex.Page(inboxList(tool), false, from, null, null, limit + 1)
                : new KeyedIndex.Page(newestList(status, tool), true, from, null, null, limit + 1);
        return Documents.visiblePage(pending ? inbox : newest, page, ids -> Documents.inOrder(mongo,
                        ApprovalDocument.COLLECTION, ApprovalDocument.class, ids, ApprovalDocument::id, "history"),
                document -> visibleTool.test(document.tool()), MAX_SCANNED);
    }

    private static List<String> newestLists(ApprovalDocument document) {
        List<String> lists = new ArrayList<>(List.of(newestList(null, null), newestList(document.status(), null)));
        if (document.tool() != null) {
            lists.add(newestList(null, document.tool()));
            lists.add(newestList(document.status(), document.tool()));
        }
        return lists;
    }

    private static List<String> inboxLists(ApprovalDocument document) {
        return document.tool() == null ? List.of(inboxList(null)) : List.of(inboxList(null), inboxList(document.tool()));
    }

    private static String newestList(String status, String tool) {
        return "n" + (status == null ? "" : "&s=" + encode(status)) + (tool == null ? "" : "&t=" + encode(tool));
    }

    private static String inboxList(String tool) {
        return "i" + (tool == null ? "" : "&t=" + encode(tool));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
