package io.opsplane.localrun;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The on-disk store's redo log: what every change to a {@linkplain #open logged map} left behind, appended to a file
 * so that a write is safe against a crash of the process as soon as the log has been handed to the operating system,
 * while MVStore commits its B-trees only now and then ({@linkplain #rotate checkpoints}).
 *
 * <p>A commit of MVStore rewrites every page a write changed, and the path from each page to its map's root, whole:
 * committed once per acknowledged write, that was most of the store's CPU. A record here is the changed key and the
 * value it has now, a few hundred bytes.
 *
 * <p>Records are physical and idempotent: each holds the key and the value the map held for it <em>when the record was
 * made</em> (or that it held none), read under the lock that orders the records. So the last record of a key is the
 * value the map last had, whatever order concurrent writers made their changes and records in, and replaying every
 * record there is, in order, over any checkpoint not older than the oldest segment restores the maps as the last
 * record left them.
 *
 * <p>The log is a series of segment files {@value #PREFIX}N. A checkpoint {@linkplain #rotate starts a new segment},
 * then commits MVStore (which saves every change recorded in the older segments, since a change is made before it is
 * recorded), then {@linkplain #checkpointed deletes the older segments}, oldest first. A file written in frames
 * (length, CRC-32C, records: map, kind, length, key, value) lets a replay stop at a frame the crash cut short.
 */
final class RedoLog implements AutoCloseable {

    static final String PREFIX = "opsplane.redo.";
    private static final byte PUT = 1;
    private static final byte REMOVE = 2;
    private static final int FRAME_HEADER_BYTES = 8;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Logger log = LoggerFactory.getLogger(RedoLog.class);

    private final Path directory;
    /** Orders the records: guards {@link #pending}. */
    private final Object appendLock = new Object();
    /** Orders the writes to the file: guards {@link #channel}, {@link #segment} and {@link #spare}. */
    private final Object writeLock = new Object();
    private WriteBuffer pending = new WriteBuffer(1 << 16);
    private WriteBuffer spare = new WriteBuffer(1 << 16);
    private FileChannel channel;
    private long segment;
    private long segmentBytes;
    /** Once the file could not be written, nothing more is acknowledged: this is why. */
    private volatile RuntimeException failure;
    /** Maps opened so far (each opening counts); a map opened after the last checkpoint is not yet in the file. */
    private final AtomicLong mapsOpened = new AtomicLong();
    /** {@link #mapsOpened} as the last checkpoint's commit found it. */
    private volatile long mapsCheckpointed;

    private RedoLog(Path directory) {
        this.directory = directory;
    }

    /** The log kept in {@code directory}, its segments not yet replayed nor a new one started: see {@link #recover}. */
    static RedoLog in(Path directory) {
        return new RedoLog(directory);
    }

    /**
     * Opens (or creates) a map of {@code store} whose every change is recorded here, keys and values in the given types
     * ({@code null} for MVStore's default). A map created here is counted only once {@code openMap} has entered it in
     * the store's metadata, so a checkpoint that counts it has committed it.
     */
    <K, V> MVMap<K, V> open(MVStore store, String name, DataType<K> keyType, DataType<V> valueType) {
        MVMap<K, V> map = store.openMap(name, builder(keyType, valueType));
        opened();
        return map;
    }

    private <K, V> MVMap.MapBuilder<MVMap<K, V>, K, V> builder(DataType<K> keyType, DataType<V> valueType) {
        RedoLog redo = this;
        MVMap.BasicBuilder<MVMap<K, V>, K, V> builder = new MVMap.BasicBuilder<>() {
            @Override
            protected MVMap<K, V> create(Map<String, Object> config) {
                return new LoggedMap<>(config, getKeyType(), getValueType(), redo);
            }
        };
        if (keyType != null) {
            builder.keyType(keyType);
        }
        if (valueType != null) {
            builder.valueType(valueType);
        }
        return builder;
    }

    /**
     * Replays every segment there is, in order, over the maps {@code store} has open (every map of every database),
     * then starts a new segment. The caller checkpoints next, which makes the replayed changes part of the file.
     */
    void recover(MVStore store) {
        List<Path> segments = segments();
        long replayed = 0;
        boolean whole = true;
        for (Path path : segments) {
            if (!whole) {
                log.warn("Redo log segment {} follows a segment cut short and is not replayed", path);
                continue;
            }
            try {
                ByteBuffer content = ByteBuffer.wrap(Files.readAllBytes(path));
                while (content.remaining() > 0) {
                    ByteBuffer frame = nextFrame(content);
                    if (frame == null) {
                        log.warn("Redo log segment {} ends in a frame cut short by a crash at byte {};"
                                + " the rest was never acknowledged", path, content.position());
                        whole = false;
                        break;
                    }
                    replayed += replayFrame(store, frame);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the store's redo log " + path, e);
            }
        }
        if (replayed > 0) {
            log.info("Replayed {} changes from the store's redo log ({} segment(s))", replayed, segments.size());
        }
        segment = segments.isEmpty() ? 0 : number(segments.get(segments.size() - 1));
        synchronized (writeLock) {
            openNextSegment();
        }
    }

    private static ByteBuffer nextFrame(ByteBuffer content) {
        if (content.remaining() < FRAME_HEADER_BYTES) {
            return null;
        }
        int start = content.position();
        int length = content.getInt();
        int checksum = content.getInt();
        if (length < 0 || length > content.remaining()) {
            content.position(start);
            return null;
        }
        ByteBuffer frame = content.slice(content.position(), length).order(ByteOrder.BIG_ENDIAN);
        if (crc(frame.duplicate()) != checksum) {
            content.position(start);
            return null;
        }
        content.position(content.position() + length);
        return frame;
    }

    @SuppressWarnings("unchecked")
    private static long replayFrame(MVStore store, ByteBuffer frame) {
        long changes = 0;
        while (frame.remaining() > 0) {
            int mapId = DataUtils.readVarInt(frame);
            byte kind = frame.get();
            int length = frame.getInt();
            ByteBuffer record = frame.slice(frame.position(), length);
            frame.position(frame.position() + length);
            MVMap<Object, Object> map = store.getMap(mapId);
            if (!(map instanceof LoggedMap<Object, Object> logged)) {
                // A new map checkpoints before its first write is acknowledged, so this is a map a command dropped
                // (which checkpointed) while another wrote to it: nothing of it is left to restore.
                log.warn("The store's redo log holds a change to map {}, which the store no longer has; skipped", mapId);
                continue;
            }
            Object key = map.getKeyType().read(record);
            Object value = kind == PUT ? map.getValueType().read(record) : null;
            logged.restore(key, value);
            changes++;
        }
        return changes;
    }

    /**
     * Records what {@code map} holds for {@code key} now (or that it holds nothing), after a change: read under the
     * lock that orders the records, so a later record of the key never holds an older value.
     */
    <K, V> void record(MVMap<K, V> map, K key) {
        synchronized (appendLock) {
            int mark = pending.position();
            try {
                V now = map.get(key);
                pending.putVarInt(map.getId()).put(now == null ? REMOVE : PUT);
                int lengthAt = pending.position();
                pending.putInt(0);
                map.getKeyType().write(pending, key);
                if (now != null) {
                    map.getValueType().write(pending, now);
                }
                pending.putInt(lengthAt, pending.position() - lengthAt - Integer.BYTES);
            } catch (RuntimeException e) {
                pending.position(mark);
                throw e;
            }
        }
    }

    /** Counts a map opened: until a checkpoint, writes to it must checkpoint too ({@link #needsCheckpoint}). */
    private void opened() {
        mapsOpened.incrementAndGet();
    }

    /** Whether a map was opened after the last checkpoint began: its records could not be replayed without it. */
    boolean needsCheckpoint() {
        return mapsOpened.get() != mapsCheckpointed;
    }

    /**
     * Hands every record made so far to the operating system: a change recorded before this call is then safe against
     * a crash of the process (not of the machine: nothing here is forced to the disk). Concurrent callers share the
     * writes: one that finds nothing pending returns at once, its records written by the one before it.
     */
    void flush() {
        synchronized (writeLock) {
            refuseIfFailed();
            writePending();
        }
    }

    /** The bytes in the current segment, flushed or pending. */
    long size() {
        synchronized (appendLock) {
            return segmentBytes + pending.position();
        }
    }

    /**
     * Begins a checkpoint: writes what is pending into the current segment and starts the next one, so that every
     * record made from now on is in a segment the checkpoint's commit does not make redundant. Returns what the commit
     * that follows must pass to {@link #checkpointed}.
     */
    long rotate() {
        synchronized (writeLock) {
            refuseIfFailed();
            long opened = mapsOpened.get();
            writePending();
            openNextSegment();
            return opened;
        }
    }

    /** Ends a checkpoint whose commit succeeded: the segments before the current one are redundant and go. */
    void checkpointed(long mapsOpenedAtRotation) {
        mapsCheckpointed = mapsOpenedAtRotation;
        long current;
        synchronized (writeLock) {
            current = segment;
        }
        for (Path path : segments()) {
            if (number(path) < current) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    log.warn("Cannot delete the checkpointed redo log segment {}; it is replayed at the next start",
                            path, e);
                    return; // never delete a newer segment while an older one stays
                }
            }
        }
    }

    /** After the store's final commit: the log holds nothing the file does not, and goes. */
    @Override
    public void close() {
        synchronized (writeLock) {
            closeChannel();
            for (Path path : segments()) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    log.warn("Cannot delete the redo log segment {}; it is replayed at the next start", path, e);
                    return;
                }
            }
        }
    }

    /** Leaves the log as a crash would: the file as it is, nothing more written (tests). */
    void abandon() {
        synchronized (writeLock) {
            closeChannel();
            failure = new IllegalStateException("the store's redo log was abandoned");
        }
    }

    private void writePending() {
        ByteBuffer payload;
        synchronized (appendLock) {
            if (pending.position() == 0) {
                return;
            }
            WriteBuffer full = pending;
            pending = spare;
            spare = full;
            payload = full.getBuffer();
            segmentBytes += payload.position() + FRAME_HEADER_BYTES;
        }
        payload.flip();
        ByteBuffer header = ByteBuffer.allocate(FRAME_HEADER_BYTES);
        header.putInt(payload.remaining()).putInt(crc(payload.duplicate())).flip();
        try {
            ByteBuffer[] frame = {header, payload};
            while (header.hasRemaining() || payload.hasRemaining()) {
                channel.write(frame);
            }
        } catch (IOException | RuntimeException e) {
            failure = new IllegalStateException("the store's redo log cannot be written; the store acknowledges"
                    + " no more writes", e);
            throw failure;
        } finally {
            spare.clear();
        }
    }

    private void openNextSegment() {
        closeChannel();
        segment++;
        Path path = directory.resolve(PREFIX + segment);
        try {
            if (!Files.exists(path)) {
                if (Files.getFileStore(directory).supportsFileAttributeView("posix")) {
                    Files.createFile(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } else {
                    Files.createFile(path);
                }
            }
            channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            failure = new IllegalStateException("cannot open the store's redo log " + path, e);
            throw failure;
        }
        synchronized (appendLock) {
            segmentBytes = 0;
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                log.warn("Cannot close the store's redo log segment {}", segment, e);
            }
            channel = null;
        }
    }

    private void refuseIfFailed() {
        RuntimeException failed = failure;
        if (failed != null) {
            throw new IllegalStateException(failed.getMessage(), failed);
        }
    }

    /** The segment files there are, oldest first. */
    private List<Path> segments() {
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> found = new ArrayList<>(files.filter(RedoLog::isSegment).toList());
            found.sort((one, other) -> Long.compare(number(one), number(other)));
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the store's redo log in " + directory, e);
        }
    }

    private static boolean isSegment(Path path) {
        String name = path.getFileName().toString();
        if (!name.startsWith(PREFIX) || name.length() == PREFIX.length()) {
            return false;
        }
        for (int i = PREFIX.length(); i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return name.length() - PREFIX.length() <= 18;
    }

    private static long number(Path segment) {
        return Long.parseLong(segment.getFileName().toString().substring(PREFIX.length()));
    }

    private static int crc(ByteBuffer bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    /** A map whose every change is {@linkplain #record recorded} after it is made. */
    static final class LoggedMap<K, V> extends MVMap<K, V> {

        private final RedoLog redo;

        LoggedMap(Map<String, Object> config, DataType<K> keyType, DataType<V> valueType, RedoLog redo) {
            super(config, keyType, valueType);
            this.redo = redo;
        }

        /**
         * Every change of a map's content (put, remove, putIfAbsent, replace) comes through here; so do MVStore's own
         * page rewrites when it compacts, whose records repeat the value the map holds (harmless, and rare).
         */
        @Override
        public V operate(K key, V value, DecisionMaker<? super V> decisionMaker) {
            V previous = super.operate(key, value, decisionMaker);
            redo.record(this, key);
            return previous;
        }

        /** Not used by the server on a collection's maps; counted as a new map, so the command checkpoints. */
        @Override
        public void clear() {
            super.clear();
            redo.opened();
        }

        /** A replayed record, not recorded again. */
        void restore(K key, V value) {
            if (value == null) {
                super.operate(key, null, DecisionMaker.REMOVE);
            } else {
                super.operate(key, value, DecisionMaker.PUT);
            }
        }
    }
}
