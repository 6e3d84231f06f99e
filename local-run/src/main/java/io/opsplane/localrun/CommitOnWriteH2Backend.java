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

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;

/**
 * An H2 backend that commits the MVStore before it answers any request that changed it.
 *
 * <p>The stock backend leaves commits to MVStore's background writer (about once a second), so
 * a write the client already saw acknowledged can vanish when the process is killed. Committing
 * inside the handler, before the reply is written to the socket, makes every acknowledged write
 * survive a process crash. The commit puts the chunk into the operating system's page cache; it
 * does not fsync, so a power loss can still lose the last writes (that needs a real MongoDB).
 *
 * <p>Writes that the owner names {@linkplain #commitLazily deferrable} are the exception: they are left to the next
 * commit, of another write or of this backend's housekeeping (within {@value #HOUSEKEEPING_MILLIS} ms). The local run
 * names read models, whose processor writes its token after them, so that a kill loses read-model writes only together
 * with the token that covered them, and position reservations, saved by the commit of the insert that follows them.
 * Commands that only read never commit.
 *
 * <p>Concurrent writers share commits (group commit), and the committing thread writes the chunk itself: MVStore's
 * background writer is off, and the housekeeping thread does its other work (see {@link #keepHouse}).
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

    CommitOnWriteH2Backend(MVStore store) {
        super(store);
        housekeeper.scheduleWithFixedDelay(this::keepHouse, HOUSEKEEPING_MILLIS, HOUSEKEEPING_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Leaves the commit of the document writes {@code deferrable} accepts (the command's name in lower case, the
     * collection) to the next commit: only for writes whose loss in a crash loses nothing acknowledged, because a later
     * write that commits at once saves them and nothing relies on them before it.
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
            if (commitsAfter(command, query)) {
                commitIfChanged();
            }
        }
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
            return BsonH2Database.open(databaseName, store, getCursorRegistry());
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
        return !(DOCUMENT_WRITES.contains(name) && query.get(command) instanceof String collection
                && deferrable.test(name, collection));
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
            store.commit();
        } finally {
            committing = false;
        }
        ticketsCommitted = covered;
    }

    /**
     * What MVStore's background writer would do, on this backend's own thread: saves the writes left to a later
     * commit ({@link #commitLazily}) and rewrites the live pages of chunks that are mostly garbage, so that their
     * space can be reused, then saves those pages too (else the next request's commit would write them).
     */
    private void keepHouse() {
        MVStore store = getMvStore();
        try {
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
            super.close();
        }
    }
}
