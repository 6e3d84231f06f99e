package io.opsplane.eventstore.audit;

import io.opsplane.eventstore.StoredEvent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The offline verifier: checks an audit export (the NDJSON of {@code GET /v1/audit/export}) without the store or the
 * application, with the same rules as {@code GET /v1/audit/verify}.
 * <pre>
 * java -cp event-store/target/event-store-*.jar io.opsplane.eventstore.audit.ExportVerifier export.ndjson
 * </pre>
 * Prints {@code {"ok":…,"checkedEvents":…,"firstBrokenPosition":…,"reason":…}}; exits 0 when intact, 1 when broken,
 * 2 when the file cannot be read. Uses only the JDK.
 */
public final class ExportVerifier {

    private ExportVerifier() {
    }

    public static void main(String[] arguments) {
        if (arguments.length != 1) {
            System.err.println("usage: ExportVerifier <export.ndjson | ->");
            System.exit(2);
        }
        try (Reader reader = "-".equals(arguments[0])
                ? new InputStreamReader(System.in, StandardCharsets.UTF_8)
                : Files.newBufferedReader(Path.of(arguments[0]), StandardCharsets.UTF_8)) {
            VerificationResult result = verify(reader);
            System.out.println(toJson(result));
            System.exit(result.ok() ? 0 : 1);
        } catch (IOException | RuntimeException e) {
            System.err.println("cannot verify: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Verifies an export read from {@code reader}. */
    public static VerificationResult verify(Reader reader) throws IOException {
        BufferedReader lines = new BufferedReader(reader);
        Map<String, long[]> lastSequence = new HashMap<>();
        Map<String, String> lastHash = new HashMap<>();
        ChainVerifier verifier = null;
        List<StoredEvent> pending = new ArrayList<>();
        int lineNumber = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> object = asObject(FlatJson.parse(line), lineNumber);
            if (object.containsKey("checkpoint")) {
                Checkpoint checkpoint = ExportFormat.checkpoint(asObject(object.get("checkpoint"), lineNumber));
                if (verifier == null) {
                    verifier = verifierFor(checkpoint.index() == 0, lastSequence, lastHash);
                }
                if (!verifier.range(checkpoint, pending)) {
                    return verifier.result();
                }
                remember(pending, lastSequence, lastHash);
                pending.clear();
            } else {
                pending.add(ExportFormat.event(object));
            }
        }
        if (verifier == null) {
            verifier = verifierFor(!pending.isEmpty() && pending.get(0).position() == 0, lastSequence, lastHash);
        }
        verifier.tail(pending);
        return verifier.result();
    }

    private static ChainVerifier verifierFor(boolean fromStart, Map<String, long[]> lastSequence,
                                             Map<String, String> lastHash) {
        // An export that starts at the first event holds every predecessor; one that starts later cannot.
        return new ChainVerifier((aggregate, sequence) -> {
            long[] last = lastSequence.get(aggregate);
            return last != null && last[0] == sequence ? lastHash.get(aggregate) : null;
        }, fromStart, fromStart);
    }

    private static void remember(List<StoredEvent> events, Map<String, long[]> lastSequence,
                                 Map<String, String> lastHash) {
        for (StoredEvent event : events) {
            if (event.aggregateIdentifier() != null && event.sequenceNumber() != null) {
                lastSequence.put(event.aggregateIdentifier(), new long[]{event.sequenceNumber()});
                lastHash.put(event.aggregateIdentifier(), event.hash());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object value, int lineNumber) {
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("line " + lineNumber + " is not a JSON object");
        }
        return (Map<String, Object>) value;
    }

    static String toJson(VerificationResult result) {
        String reason = result.reason() == null ? "null"
                : "\"" + result.reason().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        return "{\"ok\":" + result.ok() + ",\"checkedEvents\":" + result.checkedEvents()
                + ",\"firstBrokenPosition\":" + result.firstBrokenPosition() + ",\"reason\":" + reason + "}";
    }
}
