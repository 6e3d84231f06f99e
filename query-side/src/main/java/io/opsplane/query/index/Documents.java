package io.opsplane.query.index;

import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import io.opsplane.query.replay.ReadModels;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/** Read-model documents written in bulk and read by {@code _id $in}, in a read model's live or rebuilt collection. */
public final class Documents {

    private Documents() {
    }

    /** Replaces (or inserts) every document in one bulk write. */
    public static <T> void replaceAll(MongoTemplate mongo, String collection, Collection<T> documents,
                                      Function<T, Object> id) {
        if (documents.isEmpty()) {
            return;
        }
        List<WriteModel<Document>> replacements = new ArrayList<>();
        for (T document : documents) {
            Document stored = new Document();
            mongo.getConverter().write(document, stored);
            replacements.add(new ReplaceOneModel<>(new Document("_id", id.apply(document)), stored,
                    new ReplaceOptions().upsert(true)));
        }
        mongo.getCollection(ReadModels.collection(collection)).bulkWrite(replacements);
    }

    /**
     * The documents with these ids, in the order of {@code ids}, leaving out {@code omitted} (a large field a list does
     * not show) and ids without a document.
     */
    public static <T> List<T> inOrder(MongoTemplate mongo, String collection, Class<T> type, List<String> ids,
                                      Function<T, String> id, String omitted) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, T> byId = new HashMap<>();
        mongo.getCollection(ReadModels.collection(collection)).find(new Document("_id", new Document("$in", ids)))
                .projection(new Document(omitted, 0))
                .forEach(found -> {
                    T document = mongo.getConverter().read(type, found);
                    byId.put(id.apply(document), document);
                });
        return ids.stream().map(byId::get).filter(Objects::nonNull).toList();
    }

    /**
     * A page read through a list, for a reader who may not see every document ({@code visible}): at most
     * {@code maxScanned} entries are read, {@code page.limit()} at a time, so a reader who sees few of them gets a
     * short page and {@code resumeAfter}, the last entry read, to go on from; null when the page is full or the
     * list ends.
     */
    public record Slice<T>(List<T> items, KeyedIndex.Entry resumeAfter) {
    }

    public static <T> Slice<T> visiblePage(KeyedIndex index, KeyedIndex.Page page, Function<List<String>, List<T>> load,
                                           Predicate<T> visible, int maxScanned) {
        List<T> items = new ArrayList<>();
        KeyedIndex.Page next = page;
        int scanned = 0;
        while (true) {
            List<KeyedIndex.Entry> entries = index.read(next);
            for (T document : load.apply(entries.stream().map(KeyedIndex.Entry::id).toList())) {
                if (visible.test(document) && items.size() < page.limit()) {
                    items.add(document);
                }
            }
            scanned += entries.size();
            if (items.size() >= page.limit() || entries.size() < next.limit()) {
                return new Slice<>(items, null);
            }
            KeyedIndex.Entry last = entries.get(entries.size() - 1);
            if (scanned >= maxScanned) {
                return new Slice<>(items, last);
            }
            next = new KeyedIndex.Page(page.list(), page.descending(), new KeyedIndex.After(last.key(), last.id()),
                    page.since(), page.until(), page.limit());
        }
    }
}
