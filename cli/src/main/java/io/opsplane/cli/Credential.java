package io.opsplane.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The API key and where it came from. The key never appears on the command line (where {@code ps} would show it)
 * and never in any output: messages name only its source.
 */
final class Credential {

    private final String key;
    private final String source;

    private Credential(String key, String source) {
        this.key = key;
        this.source = source;
    }

    /**
     * {@code --key-file} when given, else {@code OPSPLANE_KEY}, else {@code $OPSPLANE_DATA_DIR/admin-key} (default
     * {@code ./data/admin-key}) when it is readable.
     */
    static Credential resolve(Path keyFile, Terminal terminal) {
        if (keyFile != null) {
            return fromFile(keyFile, "--key-file " + keyFile);
        }
        String variable = terminal.variable("OPSPLANE_KEY", null);
        if (variable != null) {
            return new Credential(variable.trim(), "OPSPLANE_KEY");
        }
        Path adminKey = Path.of(terminal.variable("OPSPLANE_DATA_DIR", "./data")).resolve("admin-key");
        if (Files.isReadable(adminKey)) {
            return fromFile(adminKey, adminKey.toString());
        }
        throw Failure.usage("no API key: set OPSPLANE_KEY, pass --key-file FILE, or run where " + adminKey
                + " is readable");
    }

    private static Credential fromFile(Path file, String source) {
        String key;
        try {
            key = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw Failure.usage("cannot read the key file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        if (key.isEmpty()) {
            throw Failure.usage("the key file " + file + " is empty");
        }
        return new Credential(key, source);
    }

    String key() {
        return key;
    }

    String source() {
        return source;
    }

    @Override
    public String toString() {
        return "key from " + source;
    }
}
