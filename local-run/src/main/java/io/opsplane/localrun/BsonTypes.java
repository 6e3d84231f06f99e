package io.opsplane.localrun;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * How the on-disk store writes documents and unique-index keys into its MVStore file: as BSON, with the encoder and
 * decoder the server uses on the wire, instead of MVStore's fallback for unknown classes, Java serialisation.
 *
 * <p>Java serialisation was the largest single cost of the whole local run (a quarter of all CPU samples under load,
 * docs/performance.md): every stored document and every index key was written through a fresh
 * {@code ObjectOutputStream}, and the B-tree of a unique index compared its keys by serialising both. BSON is what the
 * documents were on the wire a moment earlier, so every value a client can store round-trips; index keys compare
 * with the server's own value order, on the objects, without encoding them.
 */
final class BsonTypes {

    /** Documents, the values of a collection's map. */
    static final BasicDataType<Document> DOCUMENTS = new DocumentType();
    /** Unique-index keys (one value per indexed field), the keys of an index's map. */
    static final BasicDataType<KeyValue> INDEX_KEYS = new IndexKeyType();

    /** Updates begun and ended: an encoding is remembered only if no update ran while it was made. */
    private static final AtomicLong UPDATES_BEGUN = new AtomicLong();
    private static final AtomicLong UPDATES_ENDED = new AtomicLong();

    /**
     * Runs an update of stored documents. The server applies an update to the stored object itself, so while one
     * runs, an encoding being made may catch a document half changed: such encodings are written but not remembered,
     * and the updated document is encoded anew at its next write.
     */
    static <T> T updating(Supplier<T> update) {
        UPDATES_BEGUN.incrementAndGet();
        try {
            return update.get();
        } finally {
            UPDATES_ENDED.incrementAndGet();
        }
    }

    /** Forgets the encoding of a document the server changed in place. */
    static void changed(Document document) {
        ((DocumentType) DOCUMENTS).encoded.forget(document);
    }

    private static final ThreadLocal<ByteBuf> SCRATCH = ThreadLocal.withInitial(() -> Unpooled.buffer(1024));

    private BsonTypes() {
    }

    /** The size of a stored document encoded as BSON, in bytes, from its remembered encoding where there is one. */
    static int sizeOf(Document document) {
        return ((DocumentType) DOCUMENTS).bytesOf(document).length;
    }

    private static byte[] encode(Document document) {
        ByteBuf buffer = SCRATCH.get();
        buffer.clear();
        BsonEncoder.encodeDocument(document, buffer);
        byte[] bytes = new byte[buffer.readableBytes()];
        buffer.readBytes(bytes);
        if (buffer.capacity() > 1 << 20) {
            // One huge document should not pin a megabyte per thread for ever.
            SCRATCH.remove();
        }
        return bytes;
    }

    private static void putBytes(WriteBuffer target, byte[] bytes) {
        target.putVarInt(bytes.length).put(bytes);
    }

    private static byte[] readBytes(ByteBuffer source) {
        byte[] bytes = new byte[DataUtils.readVarInt(source)];
        source.get(bytes);
        return bytes;
    }

    private static Document decode(byte[] bytes) {
        return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bytes));
    }

    /** Documents, each encoded once per object however often its page is written ({@link EncodedDocuments}). */
    private static final class DocumentType extends BasicDataType<Document> {

        private final EncodedDocuments<Document> encoded = new EncodedDocuments<>();

        /**
         * The document's size as MVStore accounts for it, which decides when a page splits: its encoded length (an
         * estimate far below it let pages grow without bound, and every commit wrote the whole of such a page).
         */
        @Override
        public int getMemory(Document document) {
            return 64 + bytesOf(document).length;
        }

        @Override
        public void write(WriteBuffer target, Document document) {
            putBytes(target, bytesOf(document));
        }

        private byte[] bytesOf(Document document) {
            byte[] bytes = encoded.known(document);
            if (bytes == null) {
                long begun = UPDATES_BEGUN.get();
                long ended = UPDATES_ENDED.get();
                bytes = encode(document);
                if (begun == ended && UPDATES_BEGUN.get() == begun) {
                    encoded.remember(document, bytes);
                }
            }
            return bytes;
        }

        @Override
        public Document read(ByteBuffer source) {
            byte[] bytes = readBytes(source);
            Document document = decode(bytes);
            encoded.remember(document, bytes);
            return document;
        }

        @Override
        public Document[] createStorage(int size) {
            return new Document[size];
        }
    }

    /**
     * Keys written as a document {@code {"k": [values]}}; ordered value by value in the server's order (numbers by
     * value, as a unique index must treat {@code 1} and {@code 1.0}), then by length.
     */
    private static final class IndexKeyType extends BasicDataType<KeyValue> {

        private static final String VALUES = "k";
        private static final Comparator<Object> ORDER = ValueComparator.asc();

        /** An estimate of the key's size in memory, strings by their length, which decides when a page splits. */
        @Override
        public int getMemory(KeyValue key) {
            int memory = 48;
            for (Object value : key) {
                memory += value instanceof String text ? 40 + 2 * text.length() : 32;
            }
            return memory;
        }

        /**
         * The keys' encodings, as for documents: every commit writes each changed page of an index whole, and the keys
         * already in it are the same objects as at the previous commit. Only keys of immutable values are
         * remembered; a key holding a document or a list could share it with a stored document the server updates in
         * place.
         */
        private final EncodedDocuments<KeyValue> encoded = new EncodedDocuments<>();

        @Override
        public void write(WriteBuffer target, KeyValue key) {
            putBytes(target, bytesOf(key));
        }

        private byte[] bytesOf(KeyValue key) {
            byte[] bytes = encoded.known(key);
            if (bytes == null) {
                List<Object> values = new ArrayList<>(key.size());
                key.forEach(values::add);
                bytes = encode(new Document(VALUES, values));
                if (immutable(key)) {
                    encoded.remember(key, bytes);
                }
            }
            return bytes;
        }

        @Override
        public KeyValue read(ByteBuffer source) {
            byte[] bytes = readBytes(source);
            KeyValue key = new KeyValue((List<?>) decode(bytes).get(VALUES));
            if (immutable(key)) {
                encoded.remember(key, bytes);
            }
            return key;
        }

        private static boolean immutable(KeyValue key) {
            for (Object value : key) {
                if (!(value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                        || value instanceof UUID || value instanceof ObjectId || value instanceof Instant)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int compare(KeyValue one, KeyValue other) {
            int common = Math.min(one.size(), other.size());
            for (int i = 0; i < common; i++) {
                int order = ORDER.compare(one.get(i), other.get(i));
                if (order != 0) {
                    return order;
                }
            }
            return Integer.compare(one.size(), other.size());
        }

        @Override
        public KeyValue[] createStorage(int size) {
            return new KeyValue[size];
        }
    }
}
