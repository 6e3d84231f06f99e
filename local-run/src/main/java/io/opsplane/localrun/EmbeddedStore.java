package io.opsplane.localrun;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * A MongoDB-wire server in this JVM (mongo-java-server), for the local run and for tests.
 *
 * <p>{@link #inMemory()} keeps everything in memory on a free port, for tests; {@link #onDisk(Path, int)}
 * keeps an H2 MVStore file under {@code dataDir/store/} that survives restarts and commits on
 * every write, so an acknowledged write survives {@code kill -9}. Both listen on 127.0.0.1 only.
 *
 * <p>The on-disk store is private to its data directory: its directory is 0700 and its files 0600,
 * and it serves only clients that authenticate (SCRAM-SHA-256) with a password made anew at every
 * start and written, inside a complete connection string, to {@code dataDir/store/connection-uri}
 * (0600), where the applications of the local run read it.
 * What the store cannot do (transactions, change streams, TTL, non-unique indexes) is listed in
 * {@code docs/adr/0001-event-store-on-mongodb.md}.
 */
public final class EmbeddedStore implements AutoCloseable {

    /** MVStore's page cache, in MB (its default is 16). */
    private static final int PAGE_CACHE_MB = 64;
    /** The size beyond which MVStore splits a page, in bytes (its default for a file is 16 KB). */
    private static final int PAGE_SPLIT_BYTES = 4096;
    static final String STORE_FILE = "opsplane.mv";
    /** The file holding the connection string, password included, of the running on-disk store. */
    public static final String CONNECTION_FILE = "connection-uri";
    static final String USER = "opsplane";
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private final MongoServer server;
    private final MongoBackend backend;
    /** The on-disk store's backend; {@code null} in memory. */
    private final CommitOnWriteH2Backend onDisk;
    private final InetSocketAddress address;
    private final Path file;
    private final String password;
    private boolean closed;

    private EmbeddedStore(MongoBackend backend, int port, Path file, String password) {
        this.backend = password == null ? backend : new ScramAuthenticatingBackend(backend, USER, password);
        this.onDisk = backend instanceof CommitOnWriteH2Backend h2 ? h2 : null;
        this.password = password;
        this.server = new MongoServer(this.backend);
        this.file = file;
        try {
            server.bind("127.0.0.1", port);
        } catch (Exception e) { // netty rethrows a checked BindException undeclared
            backend.close();
            throw new IllegalStateException("cannot listen on 127.0.0.1:" + port + " (port taken?)", e);
        }
        this.address = server.getLocalAddress();
    }

    /** A store in memory on a random free port; its content goes when it is closed. */
    public static EmbeddedStore inMemory() {
        return new EmbeddedStore(new MemoryBackend(), 0, null, null);
    }

    /**
     * A store kept in {@code dataDir/store/opsplane.mv}, listening on {@code port} (0 for a free
     * one), serving only clients with the password it writes to {@code dataDir/store/connection-uri}.
     * Only one process can open the file at a time: a second one fails at once.
     */
    public static EmbeddedStore onDisk(Path dataDir, int port) {
        Path directory = dataDir.toAbsolutePath().normalize().resolve("store");
        try {
            Files.createDirectories(directory);
            restrict(dataDir.toAbsolutePath().normalize(), OWNER_ONLY_DIRECTORY);
            restrict(directory, OWNER_ONLY_DIRECTORY);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
        Path file = directory.resolve(STORE_FILE);
        MVStore mvStore;
        try {
            // A larger page cache than MVStore's 16 MB: the pages a write passes through (each collection's and each
            // unique index's B-tree path) were read back from the file after eviction, 7 % of the store's busiest
            // thread under the executions benchmark. Smaller pages than its 16 KB: every commit (one per write)
            // writes each changed page whole, so a 1 KB insert wrote 25 KB; with 4 KB pages, 12 KB. No background
            // writer: with one, every commit hands the pages to MVStore's serialisation thread and the chunk to its
            // save thread and waits for both; without, the committing thread does both (a commit's p50 at one client
            // 1.16 -> 0.61 ms). The backend's housekeeper does the writer's other work (CommitOnWriteH2Backend).
            // No commit of MVStore's own once unsaved changes pass a size either: it would run outside the backend's
            // commit lock, and a request could take its changes for saved while that commit's chunk is unwritten.
            mvStore = new MVStore.Builder().fileName(file.toString()).cacheSize(PAGE_CACHE_MB)
                    .pageSplitSize(PAGE_SPLIT_BYTES)
                    .autoCommitDisabled().autoCommitBufferSize(0).open();
        } catch (MVStoreException e) {
            throw new IllegalStateException("cannot open " + file + ": " + e.getMessage()
                    + " (another store process using the same data directory?)", e);
        }
        try {
            restrict(file, OWNER_ONLY_FILE);
        } catch (IOException e) {
            mvStore.close();
            throw new UncheckedIOException("cannot make " + file + " private", e);
        }
        CommitOnWriteH2Backend backend;
        try {
            // A BSON file keeps a redo log beside it (CommitOnWriteH2Backend, RedoLog): replayed here after a crash.
            if (CommitOnWriteH2Backend.prepareFormat(mvStore)) {
                backend = CommitOnWriteH2Backend.withRedoLog(mvStore, directory);
            } else {
                LoggerFactory.getLogger(EmbeddedStore.class).warn("{} was written by an earlier version in Java"
                        + " serialisation; it is served as it is, more slowly than a store created now (BSON)", file);
                backend = new CommitOnWriteH2Backend(mvStore);
            }
        } catch (RuntimeException e) {
            mvStore.closeImmediately();
            throw e;
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        EmbeddedStore store = new EmbeddedStore(backend, port, file, password);
        try {
            store.writeConnectionFile(directory.resolve(CONNECTION_FILE));
        } catch (IOException e) {
            store.close();
            throw new UncheckedIOException("cannot write " + directory.resolve(CONNECTION_FILE), e);
        }
        return store;
    }

    /** Written whole or not at all, readable by the owner only, after the port is open. */
    private void writeConnectionFile(Path target) throws IOException {
        Path temporary = Files.createTempFile(target.getParent(), ".connection-uri", ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        Files.writeString(temporary, connectionString("opsplane") + "\n", StandardCharsets.US_ASCII);
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (Files.getFileStore(path).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    /**
     * Saves the document writes {@code deferrable} accepts (the command's name in lower case, the collection) after
     * they are acknowledged, with the next write saved (a flush of the redo log, or a commit) or within a third of a
     * second, instead of before:
     * for writes a crash may lose because a later write saves them and nothing relies on them before it (the local
     * run's read models and position reservations, {@code Standalone.committedLater}). Nothing changes in memory.
     */
    public void commitLazily(BiPredicate<String, String> deferrable) {
        if (onDisk != null) {
            onDisk.commitLazily(deferrable);
        }
    }

    /**
     * Copies the store's files into {@code dataDir}/store as a kill -9 of this process would leave them now (tests):
     * a plain copy could take the redo log before a checkpoint and the file after it.
     */
    void copyAsAKillLeaves(Path dataDir) throws IOException {
        Path directory = dataDir.resolve("store");
        Files.createDirectories(directory);
        onDisk.copyAsAKillLeaves(directory);
    }

    /** {@code mongodb://127.0.0.1:PORT}, without credentials; append a database name and options as needed. */
    public String connectionString() {
        return "mongodb://127.0.0.1:" + port();
    }

    /**
     * The connection string for {@code database}, with the store's user and password when it
     * requires them (the on-disk store).
     */
    public String connectionString(String database) {
        if (password == null) {
            return connectionString() + "/" + database;
        }
        return "mongodb://" + USER + ":" + password + "@127.0.0.1:" + port() + "/" + database
                + "?authSource=admin&authMechanism=" + ScramAuthenticatingBackend.MECHANISM;
    }

    public int port() {
        return address.getPort();
    }

    /** The MVStore file, or {@code null} for an in-memory store. */
    public Path file() {
        return file;
    }

    /** Stops listening, closes client connections, then commits and closes the MVStore. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdownNow();
        backend.close();
    }
}
