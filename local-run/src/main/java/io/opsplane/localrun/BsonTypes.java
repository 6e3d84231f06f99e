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

    /** The server's order of values, as its own indexes compare them. */
    private static final Comparator<Object> ORDER = ValueComparator.asc();
    private static final ThreadLocal<ByteBuf> SCRATCH = ThreadLocal.withInitial(() -> Unpooled.buffer(1024));

    private BsonTypes() {
    }

    /** The size of a stored document encoded as BSON, in bytes. */
    static int sizeOf(Document document) {
        return encoded(document).readableBytes();
    }

    /**
     * The document encoded as BSON, in this thread's scratch buffer: valid until the thread's next encoding, so that a
     * write copies the bytes once, into the page or the log, and a size copies nothing.
     */
    private static ByteBuf encoded(Document document) {
        ByteBuf buffer = SCRATCH.get();
        if (buffer.capacity() > 1 << 20) {
            // One huge document should not pin a megabyte per thread for ever: it goes at the thread's next encoding.
            SCRATCH.remove();
            buffer = SCRATCH.get();
        }
        buffer.clear();
        BsonEncoder.encodeDocument(document, buffer);
        return buffer;
    }

    /** The document's encoding, preceded by its length. */
    private static void write(WriteBuffer target, Document document) {
        ByteBuf bytes = encoded(document);
        target.putVarInt(bytes.readableBytes()).put(bytes.nioBuffer());
    }

    private static byte[] readBytes(ByteBuffer source) {
        byte[] bytes = new byte[DataUtils.readVarInt(source)];
        source.get(bytes);
        return bytes;
    }

    private static Document decode(byte[] bytes) {
        return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bytes));
    }

    /**
     * Documents, encoded each time their page is written. Until the redo log, a commit per write rewrote each changed
     * page with all its documents, and each object's encoding was remembered while it lived; with a checkpoint a
     * second a page is written at most once a second, and the remembered encodings (kept until the collector had
     * found their document gone, one collection later) were copied and promoted by the young collections: without
     * them the live heap after a full collection fell by a third (docs/performance.md).
     */
    private static final class DocumentType extends BasicDataType<Document> {

        /**
         * The document's size as MVStore accounts for it, which decides when a page splits: its encoded length (an
         * estimate far below it let pages grow without bound, and every commit wrote the whole of such a page).
         * MVStore asks for a sample of the values only ({@link #isMemoryEstimationAllowed}).
         */
        @Override
        public int getMemory(Document document) {
            return 64 + sizeOf(document);
        }

        @Override
        public void write(WriteBuffer target, Document document) {
            BsonTypes.write(target, document);
        }

        @Override
        public Document read(ByteBuffer source) {
            return decode(readBytes(source));
        }

        @Override
        public Document[] createStorage(int size) {
            return new Document[size];
        }
    }

    /**
     * The server's order, with the values an index mostly holds (strings, whole numbers, object ids, instants)
     * compared directly when both are of one of those kinds: the server's comparator first finds each value's type by
     * walking its list of type classes, which was a sixth of the store's CPU under load (issue 13). Within one of
     * those kinds its order is the same (whole numbers by value, as it compares a long with an int).
     */
    static int compareIndexValues(Object one, Object other) {
        if (one instanceof String text && other instanceof String otherText) {
            return text.compareTo(otherText);
        }
        if ((one instanceof Long || one instanceof Integer) && (other instanceof Long || other instanceof Integer)) {
            return Long.compare(((Number) one).longValue(), ((Number) other).longValue());
        }
        if (one instanceof ObjectId id && other instanceof ObjectId otherId) {
            return id.compareTo(otherId);
        }
        if (one instanceof Instant instant && other instanceof Instant otherInstant) {
            return instant.compareTo(otherInstant);
        }
        return ORDER.compare(one, other);
    }

    /**
     * Keys written as a document {@code {"k": [values]}}; ordered value by value in the server's order (numbers by
     * value, as a unique index must treat {@code 1} and {@code 1.0}), then by length.
     */
    private static final class IndexKeyType extends BasicDataType<KeyValue> {

        private static final String VALUES = "k";

        /** An estimate of the key's size in memory, strings by their length, which decides when a page splits. */
        @Override
        public int getMemory(KeyValue key) {
            int memory = 48;
            for (Object value : key) {
                memory += value instanceof String text ? 40 + 2 * text.length() : 32;
            }
            return memory;
        }

        @Override
        public void write(WriteBuffer target, KeyValue key) {
            List<Object> values = new ArrayList<>(key.size());
            key.forEach(values::add);
            BsonTypes.write(target, new Document(VALUES, values));
        }

        @Override
        public KeyValue read(ByteBuffer source) {
            return new KeyValue((List<?>) decode(readBytes(source)).get(VALUES));
        }

        @Override
        public int compare(KeyValue one, KeyValue other) {
            int common = Math.min(one.size(), other.size());
            for (int i = 0; i < common; i++) {
                int order = compareIndexValues(one.get(i), other.get(i));
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
