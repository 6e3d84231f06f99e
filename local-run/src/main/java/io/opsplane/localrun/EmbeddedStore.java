package io.opsplane.localrun;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A MongoDB-wire server in this JVM (mongo-java-server), for the local run and for tests.
 *
 * <p>{@link #inMemory()} keeps everything in memory on a free port; {@link #onDisk(Path, int)}
 * keeps an H2 MVStore file under {@code dataDir/store/} that survives restarts and commits on
 * every write, so an acknowledged write survives {@code kill -9}. Both listen on 127.0.0.1 only.
 * What the store cannot do (transactions, change streams, TTL, non-unique indexes) is listed in
 * {@code docs/adr/0001-event-store-on-mongodb.md}.
 */
public final class EmbeddedStore implements AutoCloseable {

    static final String STORE_FILE = "opsplane.mv";

    private final MongoServer server;
    private final MongoBackend backend;
    private final InetSocketAddress address;
    private final Path file;
    private boolean closed;

    private EmbeddedStore(MongoBackend backend, int port, Path file) {
        this.backend = backend;
        this.server = new MongoServer(backend);
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
        return new EmbeddedStore(new MemoryBackend(), 0, null);
    }

    /**
     * A store kept in {@code dataDir/store/opsplane.mv}, listening on {@code port} (0 for a free
     * one). Only one process can open the file at a time: a second one fails at once.
     */
    public static EmbeddedStore onDisk(Path dataDir, int port) {
        Path directory = dataDir.toAbsolutePath().normalize().resolve("store");
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
        Path file = directory.resolve(STORE_FILE);
        MVStore mvStore;
        try {
            mvStore = new MVStore.Builder().fileName(file.toString()).open();
        } catch (MVStoreException e) {
            throw new IllegalStateException("cannot open " + file + ": " + e.getMessage()
                    + " (another store process using the same data directory?)", e);
        }
        return new EmbeddedStore(new CommitOnWriteH2Backend(mvStore), port, file);
    }

    /** {@code mongodb://127.0.0.1:PORT}; append a database name and options as needed. */
    public String connectionString() {
        return "mongodb://127.0.0.1:" + port();
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
