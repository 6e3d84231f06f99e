package io.opsplane.localrun;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import org.h2.mvstore.MVStore;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An H2 backend that commits the MVStore before it answers any request that changed it.
 *
 * <p>The stock backend leaves commits to MVStore's background writer (about once a second), so
 * a write the client already saw acknowledged can vanish when the process is killed. Committing
 * inside the handler, before the reply is written to the socket, makes every acknowledged write
 * survive a process crash. The commit puts the chunk into the operating system's page cache; it
 * does not fsync, so a power loss can still lose the last writes (that needs a real MongoDB).
 *
 * <p>Writes to collections named {@linkplain #commitLazily derived} (read models, which their projections can rebuild)
 * are the exception: they are left to the next commit of another write, or to MVStore's background writer (within
 * about a second). A processor writes its token after its read models, and that write commits them too, so a kill
 * loses read-model writes only together with the token that covered them, and the projection handles those events
 * again. Commands that only read never commit, so they do not commit a derived write early either.
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

    private volatile Predicate<String> derived = collection -> false;

    CommitOnWriteH2Backend(MVStore store) {
        super(store);
    }

    /**
     * Leaves the commit of writes to the collections {@code derived} accepts to the next commit of any other write or
     * to MVStore's background writer. Only for data that is rebuilt from the event store and whose progress marker
     * (a tracking token) is written to a collection {@code derived} does not accept, after the data it covers.
     */
    void commitLazily(Predicate<String> derived) {
        this.derived = derived;
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
     * it only reads, nor when it changes documents of a derived collection only; any other command (an index, a
     * drop, an aggregation that writes, a command unknown here) commits whatever is unsaved.
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
                && derived.test(collection));
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

    /** Also covers a failed command that wrote part of its batch before failing (ordered inserts). */
    private void commitIfChanged() {
        MVStore store = getMvStore();
        if (!store.isClosed() && store.hasUnsavedChanges()) {
            store.commit();
        }
    }
}
