package io.opsplane.query.execution;

import io.opsplane.api.apikey.Principals;
import io.opsplane.api.apikey.Scope;
import io.opsplane.api.execution.ExecutionMode;
import io.opsplane.api.execution.ExecutionStatus;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.auth.RequiresScope;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.query.consistency.ReadYourWrites;
import io.opsplane.query.index.Documents;
import io.opsplane.query.web.QueryParameters;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** The audit view of executions: one with its timeline, or newest-first pages. */
@RestController
@RequestMapping(path = "/v1/executions", produces = MediaType.APPLICATION_JSON_VALUE)
class ExecutionController {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final ExecutionStore store;
    private final ReadYourWrites readYourWrites;
    private final JsonMapper json;

    ExecutionController(ExecutionStore store, ReadYourWrites readYourWrites, JsonMapper json) {
        this.store = store;
        this.readYourWrites = readYourWrites;
        this.json = json;
    }

    @GetMapping("/{executionId}")
    @RequiresScope(Scope.LOGS_READ)
    CompletableFuture<JsonNode> get(@PathVariable String executionId, @RequestParam(required = false) String minPosition,
                 AuthenticatedKey key) {
        return readYourWrites.then(ExecutionProjection.PROCESSING_GROUP,
                QueryParameters.position("minPosition", minPosition), () -> {
            // An execution of a tool outside the key's patterns is answered as if it did not exist.
            ExecutionDocument document = store.findById(executionId).filter(d -> key.mayUseTool(d.tool()))
                    .orElseThrow(() -> ApiException.notFound("execution_not_found", "no execution with id " + executionId));
            ObjectNode execution = (ObjectNode) json.readTree(document.view());
            execution.set("timeline", json.readTree(document.timeline()));
            return execution;
        });
    }

    @GetMapping
    @RequiresScope(Scope.LOGS_READ)
    CompletableFuture<ExecutionPage> list(ListParameters parameters, AuthenticatedKey key) {
        ExecutionFilter filter = parameters.toFilter();
        return readYourWrites.then(ExecutionProjection.PROCESSING_GROUP,
                QueryParameters.position("minPosition", parameters.minPosition()), () -> {
            Documents.Slice<ExecutionDocument> slice = store.page(filter, key::mayUseTool);
            List<ExecutionDocument> found = slice.items();
            List<ExecutionDocument> page = found.subList(0, Math.min(found.size(), filter.limit()));
            String nextCursor = null;
            if (found.size() > filter.limit()) {
                ExecutionDocument last = page.get(page.size() - 1);
                nextCursor = new ExecutionCursor(last.createdPosition(), last.executionId()).encode();
            } else if (slice.resumeAfter() != null) {
                nextCursor = new ExecutionCursor(slice.resumeAfter().key(), slice.resumeAfter().id()).encode();
            }
            return new ExecutionPage(page.stream().map(d -> json.readTree(d.view())).toList(), nextCursor);
        });
    }

    /** The query parameters of a list request, as sent. */
    record ListParameters(String tool, String status, String mode, String actor, String since, String until,
                          String limit, String cursor, String minPosition) {

        ExecutionFilter toFilter() {
            return new ExecutionFilter(
                    QueryParameters.text(tool),
                    QueryParameters.text(status).map(value -> wireValue("status", value, ExecutionStatus.values())),
                    QueryParameters.text(mode).map(value -> wireValue("mode", value, ExecutionMode.values())),
                    QueryParameters.text(actor).map(Principals::normalise),
                    QueryParameters.instant("since", since),
                    QueryParameters.instant("until", until),
                    QueryParameters.limit(limit, DEFAULT_LIMIT, MAX_LIMIT),
                    QueryParameters.text(cursor).map(ExecutionCursor::decode));
        }

        private static <E extends Enum<E>> E wireValue(String name, String value, E[] values) {
            Optional<E> match = Arrays.stream(values)
                    .filter(v -> v.name().toLowerCase(Locale.ROOT).equals(value)).findFirst();
            return match.orElseThrow(() -> ApiException.invalidParameter(name, "'" + name + "' must be one of "
                    + Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "))));
        }
    }

    /** One page of executions, newest first; {@code nextCursor} is null on the last page. */
    record ExecutionPage(List<JsonNode> items, String nextCursor) {
    }
}
