package io.opsplane.system;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ./opsplane run} as a user starts it, on the jars this build made: everything it starts
 * listens on the loopback interface only, everything it writes is private to the user, the store
 * serves no client without the run's credential, and a SIGTERM stops it all.
 */
@Timeout(300)
class LocalRunScriptTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dataDir;

    @Test
    void theLocalRunIsPrivateToItsUser() throws Exception {
        Map<String, Integer> ports = runPorts(freePorts(4));
        Process run = script(ports).start();
        List<String> output = new ArrayList<>();
        try {
            awaitRunning(run, output);

            for (int port : ports.values()) {
                assertThat(listeningAddresses(port)).as("listening addresses of port %d", port)
                        .isNotEmpty().allMatch(LocalRunScriptTest::isLoopback);
            }
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.forEach(path -> assertThat(permissions(path)).as(path.toString())
                        .isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------"));
            }
            String adminKey = Files.readString(dataDir.resolve("admin-key")).trim();
            HttpResponse<String> tools = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + ports.get("OPSPLANE_PORT") + "/v1/tools"))
                    .header("Authorization", "Bearer " + adminKey).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(tools.statusCode()).isEqualTo(200);
            try (MongoClient anonymous = MongoClients.create("mongodb://127.0.0.1:" + ports.get("OPSPLANE_STORE_PORT"))) {
                assertThatThrownBy(() -> anonymous.getDatabase("opsplane").getCollection(
                        "api_credentials").find().first()).isInstanceOf(MongoCommandException.class);
            }
            try (MongoClient owner = MongoClients.create(
                    Files.readString(dataDir.resolve("store").resolve("connection-uri")).trim())) {
                assertThat(owner.getDatabase("opsplane").getCollection("api_credentials")
                        .countDocuments(new Document("_id", "key_bootstrap_admin"))).isEqualTo(1);
            }
            assertThat(String.join("\n", output)).doesNotContain(adminKey)
                    .doesNotContain(Files.readString(dataDir.resolve("store").resolve("connection-uri")).trim());
        } finally {
            run.destroy();
            if (!run.waitFor(90, TimeUnit.SECONDS)) {
                run.destroyForcibly();
            }
        }
        for (int port : ports.values()) {
            assertThat(accepts(port)).as("port %d closed after the stop", port).isFalse();
        }
    }

    /**
     * A run whose script was killed leaves its JVMs behind; the next start of the same data directory ends them
     * (here: a store started as that run had started it, with its pid where the run records it). A second TERM while
     * the run stops then stops everything at once, the store included, before the script exits.
     */
    @Test
    @Timeout(420)
    void aStartEndsWhatAKilledRunLeftAndASecondSignalStillStopsEverything() throws Exception {
        List<Integer> free = freePorts(5);
        Map<String, Integer> ports = runPorts(free);
        Path localRunJar;
        try (Stream<Path> jars = Files.list(ROOT.resolve("local-run").resolve("target"))) {
            localRunJar = jars.filter(jar -> jar.getFileName().toString().matches("local-run-.*-exec\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("the build made no local-run exec jar"));
        }
        Process stale = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-jar", localRunJar.toString(), "store", "--data-dir", dataDir.toString(),
                "--port", Integer.toString(free.get(4))).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("stale-store.log").toFile()).start();
        Files.createDirectories(dataDir.resolve("run"));
        Files.writeString(dataDir.resolve("run").resolve("store.pid"), stale.pid() + "\n");
        Process run = null;
        List<String> output = new CopyOnWriteArrayList<>();
        try {
            awaitFile(dataDir.resolve("store").resolve("connection-uri"));
            run = script(ports).start();
            awaitRunning(run, output);

            assertThat(stale.isAlive()).as("the store the killed run left").isFalse();
            assertThat(output).anyMatch(line -> line.contains("previous run") && line.contains("store"));

            // As kill -TERM does: Process.destroy() would also close the script's output.
            run.toHandle().destroy();
            // The second signal as soon as the stop has begun: a quiet machine stops the JVMs in well under a second.
            Instant stopping = Instant.now().plusSeconds(30);
            while (output.stream().noneMatch(line -> line.startsWith("Stopping Opsplane"))
                    && Instant.now().isBefore(stopping)) {
                Thread.sleep(5);
            }
            run.toHandle().destroy();
            assertThat(run.waitFor(120, TimeUnit.SECONDS)).as("the script ended").isTrue();
            Instant drained = Instant.now().plusSeconds(10);
            while (output.stream().noneMatch(line -> line.startsWith("Stopped.")) && Instant.now().isBefore(drained)) {
                Thread.sleep(50);
            }
            ports.forEach((name, port) -> assertThat(accepts(port))
                    .as("%s %d closed after the stop; the run said:%n%s", name, port, String.join("\n", output)).isFalse());
            assertThat(output).anyMatch(line -> line.contains("stopping everything at once"));
        } finally {
            stale.destroyForcibly();
            if (run != null && run.isAlive()) {
                run.destroyForcibly();
            }
            endLeftovers(dataDir.resolve("run"));
        }
    }

    /** {@code ./opsplane run} on this test's data directory and ports, on the jars the build made. */
    private ProcessBuilder script(Map<String, Integer> ports) {
        ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("opsplane").toString(), "run")
                .directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().put("OPSPLANE_DATA_DIR", dataDir.toString());
        builder.environment().put("OPSPLANE_BUILD", "never");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1");
        builder.environment().remove("OPSPLANE_MONGODB_URI");
        ports.forEach((name, port) -> builder.environment().put(name, Integer.toString(port)));
        return builder;
    }

    private static void awaitFile(Path file) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(120);
        while (!Files.exists(file) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(file).exists();
    }

    /** Ends whatever a failed run of this test left running, by the pids the run recorded. */
    private static void endLeftovers(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            return;
        }
        try (Stream<Path> pidFiles = Files.list(runDir)) {
            for (Path pidFile : pidFiles.toList()) {
                String pid = Files.readString(pidFile).trim();
                if (pid.matches("[0-9]+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
    }

    private static void awaitRunning(Process run, List<String> output) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(240));
        String line;
        while ((line = lines.readLine()) != null) {
            output.add(line);
            if (line.startsWith("Opsplane is running.")) {
                Thread drain = new Thread(() -> lines.lines().forEach(output::add));
                drain.setDaemon(true);
                drain.start();
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                break;
            }
        }
        throw new AssertionError("./opsplane run did not come up:\n" + String.join("\n", output));
    }

    /** Local addresses (hex, as in /proc/net/tcp{,6}) listening on {@code port}. */
    private static List<String> listeningAddresses(int port) throws IOException {
        List<String> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> rows = Files.readAllLines(file);
            for (String row : rows.subList(1, rows.size())) {
                String[] fields = row.trim().split("\\s+");
                String[] local = fields[1].split(":");
                if (fields[3].equals("0A") && Integer.parseInt(local[1], 16) == port) {
                    addresses.add(local[0]);
                }
            }
        }
        return addresses;
    }

    private static boolean isLoopback(String hexAddress) {
        return Set.of("0100007F", "00000000000000000000000001000000", "0000000000000000FFFF00000100007F")
                .contains(hexAddress.toUpperCase());
    }

    private static String permissions(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Map<String, Integer> runPorts(List<Integer> free) {
        return Map.of("OPSPLANE_PORT", free.get(0), "OPSPLANE_COMMAND_SIDE_PORT", free.get(1),
                "OPSPLANE_QUERY_SIDE_PORT", free.get(2), "OPSPLANE_STORE_PORT", free.get(3));
    }

    /**
     * Ports distinct from one another: every socket stays bound until all are chosen (a port closed at once can be
     * handed out again by the next bind, and the script refuses two equal ports).
     */
    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            while (ports.size() < count) {
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                ports.add(socket.getLocalPort());
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

}
