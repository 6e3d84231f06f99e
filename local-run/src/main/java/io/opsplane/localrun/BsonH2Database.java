package io.opsplane.localrun;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.h2.UniqueIndexes;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.DataType;

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
    private static final ThreadLocal<Opening> OPENING = new ThreadLocal<>();

    private final MVStore store;
    /** Where every change to this database's maps is recorded, or {@code null} when each write commits instead. */
    private final RedoLog redo;

    private record Opening(MVStore store, RedoLog redo) {
    }

    private BsonH2Database(String name, MVStore store, CursorRegistry cursors, RedoLog redo) {
        super(name, store, cursors);
        this.store = store;
        this.redo = redo;
    }

    static BsonH2Database open(String name, MVStore store, CursorRegistry cursors, RedoLog redo) {
        OPENING.set(new Opening(store, redo));
        try {
            return new BsonH2Database(name, store, cursors, redo);
        } finally {
            OPENING.remove();
        }
    }

    private MVStore store() {
        return store != null ? store : OPENING.get().store();
    }

    private RedoLog redo() {
        return store != null ? redo : OPENING.get().redo();
    }

    /** A map of this database: one whose changes are {@linkplain RedoLog recorded} when there is a log. */
    private <K, V> MVMap<K, V> map(String name, DataType<K> keyType, DataType<V> valueType) {
        RedoLog log = redo();
        if (log != null) {
            return log.open(store(), name, keyType, valueType);
        }
        MVMap.Builder<K, V> builder = new MVMap.Builder<>();
        if (keyType != null) {
            builder.keyType(keyType);
        }
        if (valueType != null) {
            builder.valueType(valueType);
        }
        return store().openMap(name, builder);
    }

    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
        String namespace = getFullCollectionNamespace(collectionName);
        MVMap<Object, Document> documents = map("databases." + namespace, null, BsonTypes.DOCUMENTS);
        MVMap<String, Object> meta = map("meta." + namespace, null, null);
        return new H2Collection(this, collectionName, options, documents, meta, cursorRegistry) {

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
        MVMap<KeyValue, Object> entries = map(getFullCollectionNamespace(collectionName) + "._index_" + indexName,
                BsonTypes.INDEX_KEYS, null);
        return UniqueIndexes.over(entries, indexName, keys, sparse);
    }
}
