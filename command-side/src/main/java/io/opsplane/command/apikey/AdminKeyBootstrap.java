package io.opsplane.command.apikey;

import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.apikey.IssueApiKeyCommand;
import io.opsplane.api.apikey.Scope;
import io.opsplane.platform.auth.ApiKeySecrets;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * On first start installs the bootstrap admin key: {@code OPSPLANE_ADMIN_KEY} when given, else a
 * generated key written to {@code $OPSPLANE_DATA_DIR/admin-key} with mode 0600. The key itself
 * is never logged; only where it is.
 */
@Component
class AdminKeyBootstrap implements ApplicationRunner {

    static final String BOOTSTRAP_KEY_ID = "key_bootstrap_admin";
    /** As {@link ApiKeySecrets#generate()} makes them: the prefix and 256 random bits in unpadded base64url. */
    private static final Pattern GENERATED_KEY =
            Pattern.compile(Pattern.quote(ApiKeySecrets.KEY_PREFIX) + "[A-Za-z0-9_-]{43}");
    private static final Logger log = LoggerFactory.getLogger(AdminKeyBootstrap.class);

    private final BootstrapProperties properties;
    private final EventStore eventStore;
    private final KeyIssuer issuer;

    /**
     * Refuses to start, before the server listens, with an {@code OPSPLANE_ADMIN_KEY} that does not look
     * generated: a guessable admin key is a risk as long as it is configured, so this holds on every start.
     * The message names the variable, never the value.
     */
    AdminKeyBootstrap(BootstrapProperties properties, EventStore eventStore, KeyIssuer issuer) {
        String key = properties.adminKey();
        if (key != null && !key.isBlank() && !GENERATED_KEY.matcher(key).matches()) {
            throw new IllegalStateException("OPSPLANE_ADMIN_KEY (opsplane.admin-key) does not look like a generated key:"
                    + " it must be '" + ApiKeySecrets.KEY_PREFIX + "' followed by 43 base64url characters (256 random"
                    + " bits), e.g. from: printf 'ops_%s\\n' \"$(head -c 32 /dev/urandom | base64 | tr '+/' '-_'"
                    + " | tr -d '=')\"");
        }
        this.properties = properties;
        this.eventStore = eventStore;
        this.issuer = issuer;
    }

    @Override
    public void run(ApplicationArguments args) {
        String key = properties.adminKey();
        boolean given = key != null && !key.isBlank();
        if (eventStore.readEvents(BOOTSTRAP_KEY_ID).hasNext()) {
            return;
        }
        if (given) {
            log.info("Installing the bootstrap admin key from OPSPLANE_ADMIN_KEY");
        } else {
            key = generatedKey();
            log.info("Bootstrap admin key written to {}", keyFile());
        }
        issuer.issue(BOOTSTRAP_KEY_ID, key, new IssueApiKeyCommand(BOOTSTRAP_KEY_ID, "bootstrap admin", "admin",
                ActorKind.HUMAN, null, Set.of(Scope.ADMIN), List.of(), null, null, null, null, null, null), null);
    }

    /** Reuses a key file left by an earlier start that stopped before recording the key. */
    private String generatedKey() {
        Path file = keyFile();
        try {
            if (Files.isRegularFile(file)) {
                String existing = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (existing.startsWith(ApiKeySecrets.KEY_PREFIX)) {
                    return existing;
                }
            }
            String key = ApiKeySecrets.generate();
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), ".admin-key", ".tmp");
            try {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                log.warn("The file system does not support POSIX permissions; restrict access to {} by hand", file);
            }
            Files.writeString(temporary, key + "\n", StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin key to " + file, e);
        }
    }

    private Path keyFile() {
        return properties.dataDir().toAbsolutePath().normalize().resolve("admin-key");
    }
}
