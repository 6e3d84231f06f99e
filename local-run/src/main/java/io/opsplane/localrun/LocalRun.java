package io.opsplane.localrun;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded store as a process of its own, for a side run apart from {@code ./opsplane run} (which runs the store
 * in its one process) and for tests that end it the hard way:
 * <pre>
 *   store   --data-dir DIR --port N                       the on-disk embedded store
 * </pre>
 * It runs until SIGTERM (or Ctrl-C), then shuts down cleanly; it logs one line when ready.
 */
public final class LocalRun {

    private static final String USAGE = """
            usage: LocalRun store --data-dir DIR --port N""";

    private LocalRun() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Before the first logger exists: the library ships no logback.xml, so that it never
        // overrides the logging of the applications and tests that use it.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "opsplane-local-run-logback.xml");
        }
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            System.out.println(USAGE);
            return;
        }
        Map<String, String> options;
        try {
            options = options(args);
            switch (args[0]) {
                case "store" -> runStore(Path.of(required(options, "data-dir")), port(options));
                default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("LocalRun: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        } catch (IllegalStateException e) {
            // Expected start-up failures (port taken, data directory locked): the message says it all.
            log().error("{}{}", e.getMessage(), e.getCause() == null ? "" : ": " + e.getCause());
            System.exit(1);
        }
    }

    private static void runStore(Path dataDir, int port) throws InterruptedException {
        EmbeddedStore store = EmbeddedStore.onDisk(dataDir, port);
        untilTerminated("store", store, () -> log().info("Embedded store ready on {} (file {})",
                store.connectionString(), store.file()));
    }

    private static void untilTerminated(String name, AutoCloseable resource, Runnable announceReady) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log().info("Stopping the {}", name);
            try {
                resource.close();
                log().info("The {} stopped cleanly", name);
            } catch (Exception e) {
                log().error("The {} did not stop cleanly", name, e);
            } finally {
                closed.countDown();
            }
        }, name + "-shutdown"));
        announceReady.run();
        closed.await();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            int equals = arg.indexOf('=');
            if (equals > 0) {
                options.put(arg.substring(2, equals), arg.substring(equals + 1));
            } else if (i + 1 < args.length) {
                options.put(arg.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("option " + arg + " needs a value");
            }
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }

    private static int port(Map<String, String> options) {
        String value = required(options, "port");
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number from 0 to 65535, not '" + value + "'");
        }
    }

    private static Logger log() {
        return LoggerFactory.getLogger(LocalRun.class);
    }
}
