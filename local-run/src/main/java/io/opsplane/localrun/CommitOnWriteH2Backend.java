package io.opsplane.localrun;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.stream.Stream;

/**
 * An H2 backend that makes every write it acknowledges safe against a crash of the process first.
 *
 * <p>The stock backend leaves commits to MVStore's background writer (about once a second), so a write the client
 * already saw acknowledged can vanish when the process is killed. This backend saves a write before the reply is
 * written to the socket, in one of two ways:
 * <ul>
 *     <li>A file in BSON ({@link #withRedoLog}): a document write (insert, update, delete, findAndModify) is
 *     {@linkplain RedoLog recorded} in the redo log beside the file, and the log's records are handed to the
 *     operating system before the answer; MVStore commits about once a second (a checkpoint), and after a crash the
 *     log is replayed over the last checkpoint. A command that opens a map (a write to a new collection) checkpoints
 *     before its answer, since the log names maps the file must already hold; so does every other kind of change (an
 *     index, a drop).</li>
 *     <li>A file of an earlier version, in the library's own encoding, and tests: MVStore commits before every
 *     answer to a write.</li>
 * </ul>
 * Either way nothing is forced to the disk, so a power loss can still lose the last writes (that needs a real MongoDB).
 *
 * <p>Writes that the owner names {@linkplain #commitLazily deferrable} are the exception: they are left to the next
 * flush of the log (or commit), of another write or of this backend's housekeeping (within {@value #HOUSEKEEPING_MILLIS}
 * ms). The local run names read models, whose processor writes its token after them, so that a kill loses read-model
 * writes only together with the token that covered them, and position reservations, saved with the insert that follows
 * them. Commands that only read save nothing.
 *
 * <p>Concurrent writers share the log's writes and the commits (group commit), and the committing thread writes the
 * chunk itself: MVStore's background writer is off, and the housekeeping thread does its other work (see
 * {@link #keepHouse}).
 *
 * <p>A store created by this version keeps documents and index keys as BSON ({@link BsonH2Database}) and says so in
 * {@link #FORMAT_MAP}; a file without that mark was written by an earlier version in the library's own encoding
 * (Java serialisation) and is served in it, unchanged.
 */
final class CommitOnWriteH2Backend extends H2Backend {

    /** The map that marks a file as written in {@link #BSON_FORMAT}. */
    static final String FORMAT_MAP = "opsplane.format";
    static final String BSON_FORMAT = "bson-1";
    private static final String FORMAT_KEY = "documents";

    /** Commands that change nothing, in lower case: after them nothing is committed. */
    private static final Set<String> READS = Set.of("find", "getmore", "count", "distinct", "listcollections",
            "listindexes", "listdatabases", "collstats", "dbstats", "ping", "hello", "ismaster", "buildinfo",
            "whatsmyuri", "killcursors", "endsessions", "saslstart", "saslcontinue", "getlasterror", "serverstatus",
            "connectionstatus", "getparameter", "hostinfo", "getcmdlineopts", "getlog");
    /** Commands that change only documents of the collection they name, in lower case. */
    private static final Set<String> DOCUMENT_WRITES = Set.of("insert", "update", "delete", "findandmodify");

    /** MVStore's background writer wakes every third of its one-second commit delay; so does this one. */
    static final long HOUSEKEEPING_MILLIS = 333;
    /** MVStore's own target under load: its default fill rate of 90 % squared. */
    private static final int COMPACT_BELOW_FILL_PERCENT = 81;
    /** How much one housekeeping round may rewrite, about what MVStore's writer allows itself under load. */
    private static final int COMPACT_WRITE_BYTES = 4 << 20;
    /** With a redo log, how often the file is brought up to date with it (a checkpoint). */
    private static final long CHECKPOINT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** With a redo log, a checkpoint comes sooner when the log's segment grows past this many bytes. */
    static final long CHECKPOINT_LOG_BYTES = 64L << 20;
    private static final Logger log = LoggerFactory.getLogger(CommitOnWriteH2Backend.class);

    private final ScheduledExecutorService housekeeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "store-housekeeping");
        thread.setDaemon(true);
        return thread;
    });
    private final Object commitLock = new Object();
    /** Tickets drawn by requests that found something to commit after they ran. */
    private final AtomicLong ticketsDrawn = new AtomicLong();
    /** The highest ticket whose request's changes a finished commit saved; guarded by {@link #commitLock}. */
    private long ticketsCommitted;
    /** Whether a commit is running: its chunk may hold a request's changes and not be written yet. */
    private volatile boolean committing;
    private volatile BiPredicate<String, String> deferrable = (command, collection) -> false;
    /** Where document writes are recorded instead of committed, or {@code null}: every write then commits. */
    private final RedoLog redo;
    /** The log of the backend being constructed: the superclass opens the databases before {@link #redo} is set. */
    private static final ThreadLocal<RedoLog> OPENING = new ThreadLocal<>();
    /** When the last checkpoint ended ({@link System#nanoTime}); guarded by {@link #commitLock}. */
    private long lastCheckpoint = System.nanoTime();

    /** A backend that commits before it acknowledges every write (the stock format's files, tests). */
    CommitOnWriteH2Backend(MVStore store) {
        this(store, null);
        startHousekeeping();
    }

    private CommitOnWriteH2Backend(MVStore store, RedoLog redo) {
        super(store);
        this.redo = redo;
    }

    private void startHousekeeping() {
        housekeeper.scheduleWithFixedDelay(this::keepHouse, HOUSEKEEPING_MILLIS, HOUSEKEEPING_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /**
     * A backend over a BSON file ({@link #prepareFormat}) whose document writes are safe once recorded in the redo log
     * kept in {@code directory}, and committed to the file by a checkpoint about once a second: first replays what
     * the log holds from before a crash, then checkpoints it into the file.
     */
    static CommitOnWriteH2Backend withRedoLog(MVStore store, Path directory) {
        RedoLog redo = RedoLog.in(directory);
        OPENING.set(redo);
        CommitOnWriteH2Backend backend;
        try {
            backend = new CommitOnWriteH2Backend(store, redo);
        } finally {
            OPENING.remove();
        }
        redo.recover(store);
        backend.checkpoint();
        backend.startHousekeeping();
        return backend;
    }

    private RedoLog redo() {
        return redo != null ? redo : OPENING.get();
    }

    /**
     * Leaves the saving of the document writes {@code deferrable} accepts (the command's name in lower case, the
     * collection) to the next flush of the redo log or commit: only for writes whose loss in a crash loses nothing
     * acknowledged, because a later write saved at once saves them and nothing relies on them before it.
     */
    void commitLazily(BiPredicate<String, String> deferrable) {
        this.deferrable = deferrable;
    }

    /** Every OP_MSG request reaches this method too ({@code handleMessage} calls it). */
    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        try {
            return super.handleCommand(channel, databaseName, command, query);
        } finally {
            saveBeforeAnswer(command, query);
        }
    }

    /**
     * Makes what {@code command} changed safe before it is answered: nothing for a read or a deferrable write; with a
     * redo log, the log's records for any other document write (a checkpoint instead if the command opened a map);
     * for anything else, a commit.
     */
    private void saveBeforeAnswer(String command, Document query) {
        if (redo != null && isDocumentWrite(command, query)) {
            if (redo.needsCheckpoint()) {
                commitIfChanged();
            } else if (!isDeferrable(command, query)) {
                redo.flush();
            }
        } else if (commitsAfter(command, query)) {
            commitIfChanged();
        }
    }

    private static boolean isDocumentWrite(String command, Document query) {
        return DOCUMENT_WRITES.contains(command.toLowerCase(Locale.ROOT)) && query.get(command) instanceof String;
    }

    private boolean isDeferrable(String command, Document query) {
        return query.get(command) instanceof String collection
                && deferrable.test(command.toLowerCase(Locale.ROOT), collection);
    }

    @Override
    public QueryResult handleQuery(MongoQuery query) {
        try {
            return super.handleQuery(query);
        } finally {
            commitIfChanged();
        }
    }

    @Override
    public void dropDatabase(String databaseName) {
        try {
            super.dropDatabase(databaseName);
        } finally {
            commitIfChanged();
        }
    }

    /** Marks a file that holds nothing yet as BSON; then whether the file is BSON. */
    static boolean prepareFormat(MVStore store) {
        if (store.getMapNames().isEmpty()) {
            store.<String, String>openMap(FORMAT_MAP).put(FORMAT_KEY, BSON_FORMAT);
            store.commit();
        }
        return isBson(store);
    }

    static boolean isBson(MVStore store) {
        return store.hasMap(FORMAT_MAP) && BSON_FORMAT.equals(store.<String, String>openMap(FORMAT_MAP).get(FORMAT_KEY));
    }

    /** Called by the superclass's constructor too (for the databases already in the file): reads the mark each time. */
    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        MVStore store = getMvStore();
        if (isBson(store)) {
            return BsonH2Database.open(databaseName, store, getCursorRegistry(), redo());
        }
        return super.openOrCreateDatabase(databaseName);
    }

    /**
     * Whether {@code command} may have changed something that must be committed before it is acknowledged: not when
     * it only reads, nor when it is a document write the owner named {@linkplain #commitLazily deferrable}; any other
     * command (an index, a drop, an aggregation that writes, a command unknown here) commits whatever is unsaved.
     */
    boolean commitsAfter(String command, Document query) {
        String name = command.toLowerCase(Locale.ROOT);
        if (READS.contains(name)) {
            return false;
        }
        if (name.equals("aggregate")) {
            return writesAnywhere(query.get("pipeline"));
        }
        return !(isDocumentWrite(command, query) && isDeferrable(command, query));
    }

    /** Whether an aggregation pipeline ends in {@code $out} or {@code $merge} (or is not a list this can read). */
    private static boolean writesAnywhere(Object pipeline) {
        if (!(pipeline instanceof List<?> stages)) {
            return true;
        }
        for (Object stage : stages) {
            if (!(stage instanceof Document document) || document.containsKey("$out") || document.containsKey("$merge")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Commits what the request that just ran changed, before it is acknowledged; also covers a failed command that
     * wrote part of its batch before failing (ordered inserts).
     */
    private void commitIfChanged() {
        MVStore store = getMvStore();
        refuseIfClosed(store);
        if (!store.hasUnsavedChanges() && !committing) {
            return;
        }
        // Group commit: this request's changes were made before its ticket was drawn, and a commit that starts after
        // the ticket was drawn saves them; requests that arrive during a commit are saved by the next one, together.
        long ticket = ticketsDrawn.incrementAndGet();
        synchronized (commitLock) {
            if (ticketsCommitted < ticket) {
                commitUnderLock();
            }
        }
    }

    /**
     * A closed store saved nothing more: a failed commit closes it (MVStore's panic) and only its own thread sees the
     * error, so the requests that counted on that commit must not be acknowledged either.
     */
    private static void refuseIfClosed(MVStore store) {
        if (store.isClosed()) {
            throw new IllegalStateException("the store is closed; this request's changes were not saved");
        }
    }

    /** Commits whatever is unsaved, lazily committed writes included, as one group. */
    private void commitUnderLock() {
        MVStore store = getMvStore();
        refuseIfClosed(store);
        long covered = ticketsDrawn.get();
        committing = true;
        try {
            if (redo == null) {
                store.commit();
            } else {
                long mapsOpened = redo.rotate();
                store.commit();
                redo.checkpointed(mapsOpened);
                lastCheckpoint = System.nanoTime();
            }
        } finally {
            committing = false;
        }
        ticketsCommitted = covered;
    }

    /** Commits everything, the redo log's records included, and lets the log's older segments go. */
    private void checkpoint() {
        synchronized (commitLock) {
            commitUnderLock();
        }
    }

    /**
     * What MVStore's background writer would do, on this backend's own thread: saves the writes left to a later
     * commit ({@link #commitLazily}) and rewrites the live pages of chunks that are mostly garbage, so that their
     * space can be reused, then saves those pages too (else the next request's commit would write them). With a redo
     * log: flushes the log (the deferred writes), and checkpoints when one is due.
     */
    private void keepHouse() {
        MVStore store = getMvStore();
        try {
            if (redo != null) {
                redo.flush();
                checkpointIfDue(store);
                return;
            }
            commitWhatIsUnsaved(store);
            if (!store.isClosed() && store.compact(COMPACT_BELOW_FILL_PERCENT, COMPACT_WRITE_BYTES)) {
                commitWhatIsUnsaved(store);
            }
        } catch (RuntimeException e) {
            if (!store.isClosed()) {
                log.warn("Store housekeeping failed; it is tried again in {} ms", HOUSEKEEPING_MILLIS, e);
            }
        }
    }

    /**
     * With a redo log: checkpoints once a second, or sooner when the log grows past {@value #CHECKPOINT_LOG_BYTES}
     * bytes; compacts as MVStore's writer would right after.
     */
    private void checkpointIfDue(MVStore store) {
        synchronized (commitLock) {
            if (store.isClosed() || System.nanoTime() - lastCheckpoint < CHECKPOINT_NANOS
                    && redo.size() < CHECKPOINT_LOG_BYTES) {
                return;
            }
            if (store.hasUnsavedChanges()) {
                commitUnderLock();
            }
            // The pages the compaction rewrites hold nothing new: the next checkpoint writes them.
            store.compact(COMPACT_BELOW_FILL_PERCENT, COMPACT_WRITE_BYTES);
            lastCheckpoint = System.nanoTime();
        }
    }

    private void commitWhatIsUnsaved(MVStore store) {
        synchronized (commitLock) {
            if (!store.isClosed() && store.hasUnsavedChanges()) {
                commitUnderLock();
            }
        }
    }

    /**
     * Stops the housekeeping, letting a round in progress finish (an interrupt would break its file I/O and close the
     * store uncleanly), then closes the store, which commits what is unsaved.
     */
    @Override
    public void close() {
        housekeeper.shutdown();
        try {
            if (!housekeeper.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("Store housekeeping did not stop within 10 s; closing the store anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (commitLock) {
            if (redo != null && !getMvStore().isClosed()) {
                try {
                    redo.flush(); // for a close whose commit fails; after one that succeeds the log is redundant
                } catch (RuntimeException e) {
                    log.warn("The store's redo log could not be flushed at close; the close's commit saves it all", e);
                }
            }
            super.close();
            if (redo != null) {
                redo.close(); // the close committed everything: the log has nothing more
            }
        }
    }

    /**
     * Copies the files of the store into {@code directory} as a kill -9 would leave them now: the redo log's segments
     * as written so far and the MVStore file, with no checkpoint in between (tests).
     */
    void copyAsAKillLeaves(Path directory) throws IOException {
        synchronized (commitLock) {
            Path file = Path.of(getMvStore().getFileStore().getFileName());
            try (Stream<Path> files = Files.list(file.getParent())) {
                for (Path path : files.filter(path -> path.getFileName().toString().startsWith(RedoLog.PREFIX))
                        .toList()) {
                    Files.copy(path, directory.resolve(path.getFileName()));
                }
            }
            Files.copy(file, directory.resolve(file.getFileName()));
        }
    }
}
