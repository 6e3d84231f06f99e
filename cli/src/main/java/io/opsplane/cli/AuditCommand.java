package io.opsplane.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.opsplane.eventstore.audit.ExportVerifier;
import io.opsplane.eventstore.audit.VerificationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Export the hash-chained audit log, and verify an export offline.",
        subcommands = {AuditCommand.Export.class, AuditCommand.Verify.class})
final class AuditCommand extends VerbGroup {

    @Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Write every stored event with its hash, and the checkpoints, as NDJSON to stdout"
                    + " (scope admin): ./opsplane audit export > audit.ndjson",
                    "The range is widened to whole sealed ranges, so that any export verifies on its own."})
    static final class Export extends Verb {

        private static final long PROGRESS_EVERY_NANOS = 250_000_000L;

        @Option(names = "--since", paramLabel = "INSTANT", description = "Events from this instant on (ISO-8601).")
        String since;

        @Option(names = "--until", paramLabel = "INSTANT", description = "Events before this instant (ISO-8601).")
        String until;

        @Override
        int execute() {
            HttpResponse<InputStream> export = api().open(Api.query("/v1/audit/export",
                    Api.parameters("since", since, "until", until)), "application/x-ndjson", Map.of());
            Progress progress = terminal().progressLine();
            long bytes = 0;
            long lines = 0;
            long shown = System.nanoTime();
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = export.body()) {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    out().write(buffer, 0, read);
                    bytes += read;
                    for (int i = 0; i < read; i++) {
                        if (buffer[i] == '\n') {
                            lines++;
                        }
                    }
                    if (System.nanoTime() - shown > PROGRESS_EVERY_NANOS) {
                        progress.show("exporting … " + lines + " lines, " + megabytes(bytes));
                        shown = System.nanoTime();
                    }
                }
            } catch (IOException e) {
                progress.clear();
                throw Failure.unreachable("the export from " + api().base() + " broke off after " + megabytes(bytes)
                        + ": " + e.getMessage());
            }
            out().flush();
            progress.clear();
            if (out().checkError()) {
                throw Failure.failed("could not write the export to stdout");
            }
            if (terminal().progress()) {
                err().println("Exported " + lines + " lines (" + megabytes(bytes) + ").");
            }
            return ExitCode.OK;
        }

        private static String megabytes(long bytes) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify an export offline: no server, no key. Names the first position found altered,"
                    + " removed or inserted.", "Exit code 0 when intact, 1 when broken or not an export."})
    static final class Verify extends Verb {

        @Parameters(index = "0", paramLabel = "FILE|-", description = "The export (NDJSON), or - for stdin.")
        String file;

        @Override
        int execute() {
            VerificationResult result;
            try (Reader reader = "-".equals(file)
                    ? new InputStreamReader(terminal().in(), StandardCharsets.UTF_8)
                    : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                result = ExportVerifier.verify(reader);
            } catch (NoSuchFileException e) {
                throw Failure.usage(file + ": no such file");
            } catch (IOException e) {
                throw Failure.failed("cannot read " + file + ": " + e.getMessage());
            } catch (RuntimeException e) {
                throw Failure.failed(file + " is not an audit export: " + e.getMessage());
            }
            if (json()) {
                try {
                    out().println(mapper().writeValueAsString(result));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            } else if (result.ok()) {
                out().println("OK: " + result.checkedEvents() + " events checked; the chain and every checkpoint match.");
            } else {
                out().println("BROKEN at position " + result.firstBrokenPosition() + ": " + result.reason() + " ("
                        + result.checkedEvents() + " events checked).");
            }
            return result.ok() ? ExitCode.OK : ExitCode.FAILED;
        }
    }
}
