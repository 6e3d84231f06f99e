package io.opsplane.localrun;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import org.h2.mvstore.MVStore;

/**
 * An H2 backend that commits the MVStore before it answers any request that changed it.
 *
 * <p>The stock backend leaves commits to MVStore's background writer (about once a second), so
 * a write the client already saw acknowledged can vanish when the process is killed. Committing
 * inside the handler, before the reply is written to the socket, makes every acknowledged write
 * survive a process crash. The commit puts the chunk into the operating system's page cache; it
 * does not fsync, so a power loss can still lose the last writes (that needs a real MongoDB).
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

    CommitOnWriteH2Backend(MVStore store) {
        super(store);
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        try {
            return super.handleCommand(channel, databaseName, command, query);
        } finally {
            commitIfChanged();
        }
    }

    @Override
    public Document handleMessage(MongoMessage message) {
        try {
            return super.handleMessage(message);
        } finally {
            commitIfChanged();
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

    /** Also covers a failed command that wrote part of its batch before failing (ordered inserts). */
    private void commitIfChanged() {
        MVStore store = getMvStore();
        if (!store.isClosed() && store.hasUnsavedChanges()) {
            store.commit();
        }
    }
}
