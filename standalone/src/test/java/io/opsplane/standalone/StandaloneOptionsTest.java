package io.opsplane.standalone;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@code ./opsplane run} passes to the one process, and the one-line refusals of anything else. */
class StandaloneOptionsTest {

    private static final String[] PORTS = {"--port", "8080", "--command-port", "8081", "--query-port", "8082"};

    private static String[] with(String... more) {
        String[] all = new String[PORTS.length + more.length];
        System.arraycopy(PORTS, 0, all, 0, PORTS.length);
        System.arraycopy(more, 0, all, PORTS.length, more.length);
        return all;
    }

    @Test
    void theEmbeddedStoreNeedsItsPortAndTheDataDirectoryIsMadeAbsolute() {
        Standalone.Options options = Standalone.Options.parse(with("--data-dir", "data", "--store-port", "27027"), null);
        assertThat(options.dataDir()).isEqualTo(Path.of("data").toAbsolutePath().normalize());
        assertThat(options.port()).isEqualTo(8080);
        assertThat(options.commandPort()).isEqualTo(8081);
        assertThat(options.queryPort()).isEqualTo(8082);
        assertThat(options.storePort()).isEqualTo(27027);
        assertThat(options.mongoUri()).isNull();

        assertThatThrownBy(() -> Standalone.Options.parse(with("--data-dir", "data"), " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("missing --store-port");
    }

    @Test
    void aConfiguredMongoDbReplacesTheEmbeddedStore() {
        Standalone.Options options = Standalone.Options.parse(with("--data-dir", "/tmp/x"), "mongodb://db:27017/ops");
        assertThat(options.mongoUri()).isEqualTo("mongodb://db:27017/ops");
        assertThat(options.storePort()).isZero();
    }

    @Test
    void badArgumentsAreRefusedByName() {
        assertThatThrownBy(() -> Standalone.Options.parse(new String[]{"--data-dir", "d", "--port", "80"}, null))
                .hasMessage("missing --command-port");
        assertThatThrownBy(() -> Standalone.Options.parse(with("--data-dir", "d", "--store-port", "70000"), null))
                .hasMessage("--store-port must be a port number from 1 to 65535, not '70000'");
        assertThatThrownBy(() -> Standalone.Options.parse(with("--data-dir", "d", "--store-port", "x"), null))
                .hasMessage("--store-port must be a port number from 1 to 65535, not 'x'");
        assertThatThrownBy(() -> Standalone.Options.parse(with("--data-dir", "d", "--store-port", "1", "--colour",
                "red"), null)).hasMessage("unknown option --colour");
        assertThatThrownBy(() -> Standalone.Options.parse(with("--data-dir", "d", "stray"), null))
                .hasMessage("unexpected argument 'stray'");
        assertThatThrownBy(() -> Standalone.Options.parse(with("--data-dir", "  ", "--store-port", "1"), null))
                .hasMessage("missing --data-dir");
    }
}
