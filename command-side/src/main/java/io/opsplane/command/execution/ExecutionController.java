package io.opsplane.command.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.opsplane.api.apikey.Scope;
import io.opsplane.api.execution.ExecutionMode;
import io.opsplane.api.execution.ExecutionStatus;
import io.opsplane.api.execution.ExecutionView;
import io.opsplane.command.tool.ToolJson;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.auth.RequiresScope;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.platform.request.IdempotencyKeys;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v1/executions}: run a tool or plan it. Answers asynchronously: a request waiting
 * for an outcome ({@code ?wait=}) holds no server thread.
 */
@RestController
class ExecutionController {

    static final int DEFAULT_WAIT_SECONDS = 10;
    static final int MAX_WAIT_SECONDS = 60;

    private final ExecutionService executions;

    ExecutionController(ExecutionService executions) {
        this.executions = executions;
    }

    /**
     * @param tool   the registered tool name
     * @param input  the tool's input, validated against its schema
     * @param mode   {@code execute} (default) or {@code plan}
     * @param reason why; recorded in the audit log
     */
    record ExecutionRequest(@NotBlank String tool, Object input,
                            @Pattern(regexp = "execute|plan", message = "must be 'execute' or 'plan'") String mode,
                            @Size(max = ExecutionService.MAX_REASON_LENGTH) String reason) {
    }

    @PostMapping(path = "/v1/executions", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @RequiresScope({Scope.TOOLS_EXECUTE, Scope.TOOLS_PLAN})
    CompletableFuture<ResponseEntity<ExecutionView>> execute(@Valid @RequestBody ExecutionRequest request,
                                          @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
                                          @RequestParam(name = "wait", required = false) String wait,
                                          AuthenticatedKey key) {
        Duration waitFor = parseWait(wait);
        ExecutionService.Submission submission = parse(request, IdempotencyKeys.fromHeader(idempotencyKey));
        return executions.submitAsync(submission, key, waitFor).thenApply(ExecutionController::respond);
    }

    @PostMapping(path = "/v1/executions/{executionId}/retry", produces = MediaType.APPLICATION_JSON_VALUE)
    @RequiresScope(Scope.TOOLS_EXECUTE)
    CompletableFuture<ResponseEntity<ExecutionView>> retry(@PathVariable String executionId,
                                        @RequestParam(name = "wait", required = false) String wait,
                                        AuthenticatedKey key) {
        return executions.retry(executionId, key, parseWait(wait)).thenApply(ExecutionController::respond);
    }

    /** @param input the approved input again, secrets included: it must hash to the request's {@code payloadHash} */
    record ApprovedExecutionRequest(Object input) {
    }

    /** Runs an approved request once; answers as executing does. */
    @PostMapping(path = "/v1/approval-requests/{requestId}/execute", produces = MediaType.APPLICATION_JSON_VALUE)
    @RequiresScope(Scope.TOOLS_EXECUTE)
    CompletableFuture<ResponseEntity<ExecutionView>> executeApproved(@PathVariable String requestId,
                                                  @RequestBody(required = false) ApprovedExecutionRequest request,
                                                  @RequestParam(name = "wait", required = false) String wait,
                                                  AuthenticatedKey key) {
        Duration waitFor = parseWait(wait);
        JsonNode input = request == null || request.input() == null ? JsonNodeFactory.instance.objectNode()
                : ToolJson.MAPPER.valueToTree(request.input());
        return executions.executeApprovedAsync(requestId, input, key, waitFor).thenApply(ExecutionController::respond);
    }

    private static ResponseEntity<ExecutionView> respond(ExecutionService.Outcome outcome) {
        ExecutionView view = outcome.execution().view();
        if (view.status() == ExecutionStatus.PENDING_APPROVAL) {
            return ResponseEntity.status(HttpStatus.ACCEPTED)
                    .location(URI.create("/v1/approval-requests/" + view.approvalRequestId())).body(view);
        }
        if (outcome.inProgress()) {
            return ResponseEntity.status(HttpStatus.ACCEPTED)
                    .location(URI.create("/v1/executions/" + view.executionId())).body(view);
        }
        return ResponseEntity.ok(view);
    }

    static Duration parseWait(String wait) {
        if (wait == null) {
            return Duration.ofSeconds(DEFAULT_WAIT_SECONDS);
        }
        try {
            int seconds = Integer.parseInt(wait.trim());
            if (seconds >= 0 && seconds <= MAX_WAIT_SECONDS) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.invalidParameter("wait", "'wait' must be a whole number of seconds from 0 to " + MAX_WAIT_SECONDS);
    }

    private static ExecutionService.Submission parse(ExecutionRequest request, String idempotencyKey) {
        ExecutionMode mode = "plan".equals(request.mode()) ? ExecutionMode.PLAN : ExecutionMode.EXECUTE;
        JsonNode input = request.input() == null ? JsonNodeFactory.instance.objectNode() : ToolJson.MAPPER.valueToTree(request.input());
        return new ExecutionService.Submission(request.tool(), input, mode, request.reason(), idempotencyKey);
    }
}
