package io.opsplane.query.audit;

import io.opsplane.api.apikey.Scope;
import io.opsplane.api.audit.EventNames;
import io.opsplane.eventstore.AuditTrail;
import io.opsplane.eventstore.StoredEvent;
import io.opsplane.eventstore.audit.Checkpoint;
import io.opsplane.eventstore.audit.ExportFormat;
import io.opsplane.eventstore.audit.VerificationResult;
import io.opsplane.platform.auth.RequiresScope;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.query.web.QueryParameters;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Export and verification of the tamper-evident audit trail, straight from the event store. */
@RestController
@RequestMapping("/v1/audit")
class AuditController {

    static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    private final AuditTrail trail;
    private final Map<String, String> publicNames = new ConcurrentHashMap<>();

    AuditController(AuditTrail trail) {
        this.trail = trail;
    }

    @GetMapping(path = "/verify", produces = MediaType.APPLICATION_JSON_VALUE)
    @RequiresScope(Scope.ADMIN)
    VerificationView verify() {
        VerificationResult result = trail.verify();
        return new VerificationView(result.ok(), result.checkedEvents(), result.firstBrokenPosition(), result.reason());
    }

    @GetMapping(path = "/export", produces = {"application/x-ndjson", MediaType.APPLICATION_JSON_VALUE})
    @RequiresScope(Scope.ADMIN)
    ResponseEntity<StreamingResponseBody> export(ExportParameters parameters) {
        Instant since = QueryParameters.instant("since", parameters.since()).orElse(null);
        Instant until = QueryParameters.instant("until", parameters.until()).orElse(null);
        if (since != null && until != null && !since.isBefore(until)) {
            throw ApiException.invalidParameter("until", "'until' must be later than 'since'");
        }
        StreamingResponseBody body = output -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8), 64 * 1024);
            try {
                trail.export(since, until, new AuditTrail.ExportSink() {
                    @Override
                    public void event(StoredEvent event) {
                        line(writer, ExportFormat.eventLine(event, publicName(event.payloadType())));
                    }

                    @Override
                    public void checkpoint(Checkpoint checkpoint) {
                        line(writer, ExportFormat.checkpointLine(checkpoint));
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            writer.flush();
        };
        return ResponseEntity.ok().contentType(NDJSON).body(body);
    }

    private static void line(Writer writer, String line) {
        try {
            writer.write(line);
            writer.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The public event name ({@code execution.requested}) of a stored payload type; the type itself if unknown. */
    private String publicName(String payloadType) {
        if (payloadType == null) {
            return null;
        }
        return publicNames.computeIfAbsent(payloadType, type -> {
            try {
                return EventNames.of(Class.forName(type, false, getClass().getClassLoader())).orElse(type);
            } catch (ClassNotFoundException | LinkageError e) {
                return type;
            }
        });
    }

    /** The query parameters of an export: ISO-8601 instants, both optional. */
    record ExportParameters(String since, String until) {
    }

    /** The answer of a verification; {@code reason} says in words what is broken at {@code firstBrokenPosition}. */
    record VerificationView(boolean ok, long checkedEvents, Long firstBrokenPosition, String reason) {
    }
}
