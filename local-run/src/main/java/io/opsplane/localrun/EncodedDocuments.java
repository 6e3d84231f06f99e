package io.opsplane.localrun;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The BSON of each stored document object (and, through {@link BsonTypes}, of each unique-index key of immutable
 * values), remembered while the object lives. MVStore pages are copy-on-write: a
 * commit writes every page it changed whole, so appending one document to a collection writes its leaf page again
 * with all the documents already in it. Those are the same objects as at the previous commit, so their encoding is
 * looked up here instead of being computed again: without this, re-encoding the unchanged neighbours of each write
 * was most of the store's CPU.
 * The server does change a stored document in place when it applies an update: {@link BsonTypes} remembers only
 * encodings made while no update was running, and forgets the updated document's.
 *
 * <p>Keys are held weakly and compared by identity: an entry goes when its document is no longer referenced (the
 * page left the cache, the update replaced it).
 */
final class EncodedDocuments<T> {

    private final Map<IdentityKey, byte[]> encodings = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

    /** What {@code document} was last remembered as, or {@code null}. */
    byte[] known(T document) {
        expunge();
        return encodings.get(new IdentityKey(document, null));
    }

    /** Remembers the encoding of a document, as it was read or written. */
    void remember(T document, byte[] encoded) {
        expunge();
        encodings.put(new IdentityKey(document, collected), encoded);
    }

    /** The object changed: its next write encodes it again. */
    void forget(T document) {
        encodings.remove(new IdentityKey(document, null));
    }

    int size() {
        expunge();
        return encodings.size();
    }

    private void expunge() {
        for (Object gone = collected.poll(); gone != null; gone = collected.poll()) {
            encodings.remove(gone);
        }
    }

    /** A weak reference that is equal to another only when both refer to the same object. */
    private static final class IdentityKey extends WeakReference<Object> {

        private final int hash;

        IdentityKey(Object referent, ReferenceQueue<Object> queue) {
            super(referent, queue);
            this.hash = System.identityHashCode(referent);
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof IdentityKey key)) {
                return false;
            }
            Object referent = get();
            return referent != null && referent == key.get();
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
