package io.opsplane.command.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsplane.api.execution.ExecutionMode;
import io.opsplane.command.execution.ExecutionService;
import io.opsplane.platform.auth.AuthenticatedKey;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Optional;

/**
 * MCP's way into the execution path: the very service behind {@code POST /v1/executions} and
 * {@code POST /v1/approval-requests/{id}/execute}, so that a tool call is validated, gated, rate
 * limited, charged to budgets, redacted and audited exactly as a REST request is. Nothing here
 * decides anything; it only names the calls MCP makes.
 */
@Component
class ExecutionDoor {

    private final ExecutionService executions;

    ExecutionDoor(ExecutionService executions) {
        this.executions = executions;
    }

    ExecutionService.Outcome submit(String tool, JsonNode input, ExecutionMode mode, String reason,
                                    String idempotencyKey, AuthenticatedKey key, Duration wait) {
        return executions.submit(new ExecutionService.Submission(tool, input, mode, reason, idempotencyKey), key, wait);
    }

    ExecutionService.Outcome executeApproved(String approvalRequestId, JsonNode input, AuthenticatedKey key,
                                             Duration wait) {
        return executions.executeApproved(approvalRequestId, input, key, wait);
    }

    /** The execution once it has an outcome or {@code wait} has passed; empty for an unknown id. */
    Optional<ExecutionService.Outcome> await(String executionId, Duration wait) {
        return executions.await(executionId, wait);
    }
}
