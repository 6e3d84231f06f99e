package io.opsplane.localrun;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.h2.UniqueIndexes;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.util.List;

/**
 * A database of the on-disk store whose collections keep their documents, and whose unique indexes their keys, as
 * {@link BsonTypes} (BSON) rather than Java-serialised objects. The map names are mongo-java-server's, so the layout
 * of the file is the library's; only the encoding of values and keys differs, which is why a file is either all
 * BSON (it carries {@link CommitOnWriteH2Backend#FORMAT_MAP}) or all the library's own.
 */
final class BsonH2Database extends H2Database {

    /**
     * The store this database is being opened on: the superclass opens the existing collections and indexes from its
     * constructor, through the overrides below, before any field of this class is assigned.
     */
    private static final ThreadLocal<MVStore> OPENING = new ThreadLocal<>();

    private final MVStore store;

    private BsonH2Database(String name, MVStore store, CursorRegistry cursors) {
        super(name, store, cursors);
        this.store = store;
    }

    static BsonH2Database open(String name, MVStore store, CursorRegistry cursors) {
        OPENING.set(store);
        try {
            return new BsonH2Database(name, store, cursors);
        } finally {
            OPENING.remove();
        }
    }

    private MVStore store() {
        return store != null ? store : OPENING.get();
    }

    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
        String namespace = getFullCollectionNamespace(collectionName);
        MVMap<Object, Document> documents = store().openMap("databases." + namespace,
                new MVMap.Builder<Object, Document>().valueType(BsonTypes.DOCUMENTS));
        MVMap<String, Object> meta = store().openMap("meta." + namespace);
        return new H2Collection(this, collectionName, options, documents, meta, cursorRegistry) {

            // Both ways the server updates stored documents, which it does on the stored objects themselves.
            @Override
            public Document findAndModify(Document query) {
                return BsonTypes.updating(() -> super.findAndModify(query));
            }

            @Override
            public Document updateDocuments(Document selector, Document update, ArrayFilters arrayFilters,
                                            boolean multi, boolean upsert, Oplog oplog) {
                return BsonTypes.updating(() -> super.updateDocuments(selector, update, arrayFilters, multi,
                        upsert, oplog));
            }

            @Override
            protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
                BsonTypes.changed(oldDocument);
                BsonTypes.changed(newDocument);
                super.handleUpdate(position, oldDocument, newDocument);
            }

            /*
             * The library keeps a running total of the documents' sizes for collStats: it encodes the document
             * before and after every update to size it (a fifth of the store's update time under load) and writes
             * the total into the collection's meta map on every write, one more map for each commit to save. Nothing
             * here asks for the total often, so it is counted when asked instead.
             */
            @Override
            protected boolean tracksDataSize() {
                return false;
            }

            @Override
            protected int getDataSize() {
                long size = 0;
                for (Document document : documents.values()) {
                    size += BsonTypes.sizeOf(document);
                }
                return (int) Math.min(Integer.MAX_VALUE, size);
            }
        };
    }

    @Override
    protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys,
                                                    boolean sparse) {
        MVMap<KeyValue, Object> entries = store().openMap(getFullCollectionNamespace(collectionName) + "._index_"
                + indexName, new MVMap.Builder<KeyValue, Object>().keyType(BsonTypes.INDEX_KEYS));
        return UniqueIndexes.over(entries, indexName, keys, sparse);
    }
}
