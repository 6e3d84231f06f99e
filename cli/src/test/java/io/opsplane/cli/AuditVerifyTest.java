package io.opsplane.cli;

import io.opsplane.eventstore.StoredEvent;
import io.opsplane.eventstore.audit.AuditHashes;
import io.opsplane.eventstore.audit.Checkpoint;
import io.opsplane.eventstore.audit.ExportFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code audit verify} works offline, with no server and no key. */
class AuditVerifyTest {

    @TempDir
    Path dir;

    /** Six events of two aggregates, the first four sealed by a checkpoint, as the query side exports them. */
    private static List<String> export() {
        List<String> lines = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        String[] previous = {AuditHashes.GENESIS, AuditHashes.GENESIS};
        for (int position = 0; position < 6; position++) {
            int aggregate = position % 2;
            StoredEvent unhashed = new StoredEvent(position, "ev-" + position, "ex-" + aggregate, (long) position / 2,
                    "Execution", Instant.parse("2026-12-06T10:00:00Z").plusSeconds(position), "ExecutionRequestedEvent",
                    null, "{\"n\":" + position + "}", "{}", previous[aggregate], null);
            String hash = AuditHashes.event(previous[aggregate], unhashed);
            StoredEvent event = new StoredEvent(position, unhashed.eventIdentifier(), unhashed.aggregateIdentifier(),
                    unhashed.sequenceNumber(), unhashed.type(), unhashed.timestamp(), unhashed.payloadType(), null,
                    unhashed.payload(), unhashed.metadata(), previous[aggregate], hash);
            previous[aggregate] = hash;
            lines.add(ExportFormat.eventLine(event, "execution.requested"));
            if (position < 4) {
                hashes.add(hash);
            }
            if (position == 3) {
                String sealed = AuditHashes.checkpoint(AuditHashes.GENESIS, 0, 0, 3, List.of(), hashes);
                lines.add(ExportFormat.checkpointLine(new Checkpoint(0, 0, 3, List.of(), hashes, AuditHashes.GENESIS, sealed)));
            }
        }
        return lines;
    }

    @Test
    void anIntactExportVerifies() throws Exception {
        Path file = Files.write(dir.resolve("audit.ndjson"), export());
        Run run = Run.of(Map.of(), "audit", "verify", file.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("OK: 6 events checked; the chain and every checkpoint match.\n");
    }

    @Test
    void anAlteredEventIsNamedByItsPosition() throws Exception {
        List<String> lines = export();
        lines.set(2, lines.get(2).replace("{\\\"n\\\":2}", "{\\\"n\\\":20}"));
        Path file = Files.write(dir.resolve("altered.ndjson"), lines);

        Run run = Run.of(Map.of(), "audit", "verify", file.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(run.out()).startsWith("BROKEN at position 2: the event at position 2 does not match its hash");

        Run json = Run.of(Map.of(), "audit", "verify", "--json", file.toString());
        assertThat(json.out()).startsWith("{\"ok\":false,\"checkedEvents\":3,\"firstBrokenPosition\":2,\"reason\":");
    }

    @Test
    void anExportReadFromStdinVerifies() {
        Run run = Run.withStdin(Map.of(), String.join("\n", export()) + "\n", "audit", "verify", "-");
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void aFileThatIsNotAnExportIsOneLineAndNoStackTrace() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "hello\n");
        Run run = Run.of(Map.of(), "audit", "verify", file.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).startsWith("opsplane: " + file + " is not an audit export: ");
        assertThat(run.err().lines()).hasSize(1);

        Run missing = Run.of(Map.of(), "audit", "verify", dir.resolve("absent.ndjson").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err()).isEqualTo("opsplane: " + dir.resolve("absent.ndjson") + ": no such file\n");
    }
}
