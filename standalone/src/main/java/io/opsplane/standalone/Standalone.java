package io.opsplane.standalone;

import io.opsplane.command.CommandSideApplication;
import io.opsplane.localrun.EmbeddedStore;
import io.opsplane.query.QuerySideApplication;
import io.opsplane.eventstore.SequencedMongoEventStorageEngine;
import io.opsplane.query.replay.ReadModels;
import io.opsplane.standalone.SharedTomcat.Side;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The whole system in one process, as {@code ./opsplane run} starts it: the on-disk embedded store (unless
 * {@code OPSPLANE_MONGODB_URI} names a MongoDB), the command side and the query side, both served by one Tomcat
 * ({@link SharedTomcat}) whose base URL hands each request to its side in process. One JVM on a small machine
 * compiles the shared code once and keeps one set of background threads, where four processes each paid for their
 * own. The sides still reach the store over the MongoDB wire protocol, as when they are deployed apart
 * (docker-compose.yml, where a reverse proxy gives them one base URL).
 *
 * <p>Everything listens on 127.0.0.1 only. A SIGTERM (or Ctrl-C) closes the base URL, then stops both sides, then
 * the store, so the store closes its file after the last event was written.
 */
public final class Standalone implements AutoCloseable {

    private static final String USAGE = "usage: Standalone --data-dir DIR --port N --command-port N --query-port N"
            + " [--store-port N]   (--store-port unless OPSPLANE_MONGODB_URI is set)";
    private static final String LOOPBACK = "127.0.0.1";

    private final List<AutoCloseable> started = new ArrayList<>();

    private Standalone() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Until the first side configures logging its way: the store's start, with the library's quiet settings.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "opsplane-local-run-logback.xml");
        }
        Options options;
        try {
            options = Options.parse(args, System.getenv("OPSPLANE_MONGODB_URI"));
        } catch (IllegalArgumentException e) {
            System.err.println("Standalone: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Standalone system = new Standalone();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            system.close();
            stopped.countDown();
        }, "opsplane-shutdown"));
        try {
            system.start(options);
        } catch (RuntimeException e) {
            log().error("Opsplane did not start: {}", e.toString());
            // The shutdown hook closes what had started.
            System.exit(1);
        }
        stopped.await();
    }

    /**
     * The writes the embedded store may acknowledge before it saves them, leaving them to the next write it saves
     * (at most a third of a second later): read models, which their projections rebuild from the events and whose
     * tokens, written after them, save them; and position reservations, which the insert that follows saves,
     * and which a crash before that insert loses together with the insert, never acknowledged (ADR 0001).
     *
     * @param command    the command's name in lower case
     * @param collection the collection it writes
     */
    static boolean committedLater(String command, String collection) {
        return ReadModels.holds(collection) || command.equals("findandmodify")
                && collection.equals(SequencedMongoEventStorageEngine.DEFAULT_SEQUENCE_COLLECTION);
    }

    /** Starts the store (or uses the configured MongoDB), both sides and the base URL, in that order. */
    void start(Options options) {
        String mongoUri = options.mongoUri();
        if (mongoUri == null) {
            EmbeddedStore store = EmbeddedStore.onDisk(options.dataDir(), options.storePort());
            started.add(store);
            store.commitLazily(Standalone::committedLater);
            mongoUri = store.connectionString("opsplane");
            log().info("Embedded store ready on 127.0.0.1:{} (file {})", store.port(), store.file());
        }
        // From here on the sides configure logging (Spring Boot warns about this property and ignores it).
        System.clearProperty("logback.configurationFile");
        SharedTomcat tomcat = SharedTomcat.start();
        started.add(tomcat);
        // Arguments, not builder properties: those are defaults that each side's own configuration file overrides.
        ConfigurableApplicationContext commandSide = side(tomcat, Side.COMMAND, CommandSideApplication.builder(),
                options.commandPort(), mongoUri, options.dataDir());
        ConfigurableApplicationContext querySide = side(tomcat, Side.QUERY, QuerySideApplication.builder(),
                options.queryPort(), mongoUri, options.dataDir());
        tomcat.open(options.port());
        // Closed first: no request reaches a side that is stopping.
        started.add(tomcat::closeBaseUrl);
        log().info("Opsplane ready on http://127.0.0.1:{} (command side {}, query side {})", tomcat.port(),
                port(commandSide), port(querySide));
    }

    private ConfigurableApplicationContext side(SharedTomcat tomcat, Side side, SpringApplicationBuilder application,
                                                int port, String mongoUri, Path dataDir) {
        // This class stops the sides in order; their own shutdown hooks would race it (and the store's close).
        ConfigurableApplicationContext context = tomcat.run(side, application.registerShutdownHook(false),
                "--server.port=" + port, "--server.address=" + LOOPBACK, "--spring.mongodb.uri=" + mongoUri,
                "--opsplane.data-dir=" + dataDir,
                // The store shares this JVM's logging: its per-command lines are noise here (as in LocalRun's own).
                "--logging.level.de.bwaldvogel.mongo=WARN", "--logging.level.io.netty=WARN",
                "--logging.level.de.bwaldvogel.mongo.wire.MongoWireProtocolHandler=OFF",
                // One logging system for the process: the first side's name would label every line, the other's too.
                "--logging.include-application-name=false");
        started.add(context);
        return context;
    }

    private static String port(ConfigurableApplicationContext context) {
        return context.getEnvironment().getProperty("local.server.port");
    }

    /**
     * Stops what started, the last started first: the base URL, the query side, the command side, Tomcat, the
     * store.
     */
    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            AutoCloseable component = started.get(i);
            try {
                component.close();
            } catch (Exception e) {
                log().error("{} did not stop cleanly", component, e);
            }
        }
        started.clear();
    }

    private static Logger log() {
        return LoggerFactory.getLogger(Standalone.class);
    }

    /**
     * What to start: {@code mongoUri} is the configured MongoDB, or {@code null} for the embedded store on
     * {@code storePort}.
     */
    record Options(Path dataDir, int port, int commandPort, int queryPort, int storePort, String mongoUri) {

        static Options parse(String[] args, String configuredMongoUri) {
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!arg.startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("unexpected argument '" + arg + "'");
                }
                values.put(arg.substring(2), args[++i]);
            }
            String mongoUri = configuredMongoUri == null || configuredMongoUri.isBlank() ? null : configuredMongoUri;
            Options options = new Options(Path.of(required(values, "data-dir")).toAbsolutePath().normalize(),
                    port(values, "port"), port(values, "command-port"), port(values, "query-port"),
                    mongoUri == null ? port(values, "store-port") : 0, mongoUri);
            values.keySet().removeAll(List.of("data-dir", "port", "command-port", "query-port", "store-port"));
            if (!values.isEmpty()) {
                throw new IllegalArgumentException("unknown option --" + values.keySet().iterator().next());
            }
            return options;
        }

        private static String required(Map<String, String> values, String name) {
            String value = values.get(name);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("missing --" + name);
            }
            return value;
        }

        private static int port(Map<String, String> values, String name) {
            String value = required(values, name);
            try {
                int port = Integer.parseInt(value);
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a port number from 1 to 65535, not '"
                        + value + "'");
            }
        }
    }
}
