package io.opsplane.command.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import io.opsplane.api.approval.ApprovalRequestView;
import io.opsplane.api.execution.ExecutionView;
import io.opsplane.command.execution.ExecutionService;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.platform.problem.Problems;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns what the execution path answered into a {@code tools/call} result: the Execution as
 * {@code structuredContent} with a one-line summary (and the same JSON as text, for clients that
 * read only text); a refusal or a failed execution as {@code isError: true} with the problem
 * ({@code code}, {@code detail}, {@code errors}); an input that needs approval as a
 * {@code pending_approval} result that is not an error.
 */
@Component
class CallResults {

    private final McpRecords records;

    CallResults(McpRecords records) {
        this.records = records;
    }

    McpSchema.CallToolResult of(ExecutionService.Outcome outcome) {
        ExecutionView view = outcome.execution().view();
        Map<String, Object> execution = records.asMap(view);
        return switch (view.status()) {
            case PENDING_APPROVAL -> pendingApproval(view, execution);
            case FAILED -> failed(view, execution);
            case UNKNOWN -> refusal(execution, "execution_outcome_unknown", view.tool() + " may or may not have"
                    + " taken effect: execution " + view.executionId() + " lost track of its outcome; check the target"
                    + " before you call it again");
            case RUNNING -> success(execution, view.tool() + " is still running (execution " + view.executionId()
                    + "); nothing was cancelled. Call opsplane.execution with this executionId to follow it.");
            case PLANNED -> success(execution, "Plan for " + view.tool() + " (execution " + view.executionId()
                    + "): " + (view.plan() == null ? 0 : view.plan().effects().size()) + " effect(s); nothing was"
                    + " changed.");
            case SUCCEEDED -> success(execution, view.tool() + " succeeded" + (view.durationMs() == null ? ""
                    : " in " + view.durationMs() + " ms") + " (execution " + view.executionId() + ").");
        };
    }

    /** Any answer of Opsplane's own tools that is not an execution (an approval request, an execution read back). */
    McpSchema.CallToolResult record(Map<String, Object> structured, String summary) {
        return success(structured, summary);
    }

    McpSchema.CallToolResult refusal(ApiException problem) {
        Map<String, Object> body = records.asMap(Problems.asMap(problem));
        return error(body, "Refused (" + problem.code() + "): " + problem.detail());
    }

    McpSchema.CallToolResult internalError(String correlationId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", "internal_error");
        body.put("status", 500);
        body.put("detail", "the call failed inside Opsplane; correlation id " + correlationId);
        body.put("correlationId", correlationId);
        return error(body, "Opsplane failed to handle the call (correlation id " + correlationId + ").");
    }

    private McpSchema.CallToolResult pendingApproval(ExecutionView view, Map<String, Object> execution) {
        ApprovalRequestView request = records.pendingRequest(view.approvalRequestId());
        execution.put("expiresAt", records.asMap(request).get("expiresAt"));
        execution.put("minApprovals", request.minApprovals());
        String summary = "Not run yet: " + view.tool() + " with this input needs approval. A person other than you"
                + " (and other than your key's owner) must approve approval request " + request.id() + " ("
                + request.minApprovals() + " approval(s) needed) in Opsplane before " + request.expiresAt()
                + ". Follow it with opsplane.approval; once approved, run it with opsplane.execute_approved and the"
                + " same input. Approvals cannot be given through MCP.";
        return success(execution, summary);
    }

    private McpSchema.CallToolResult failed(ExecutionView view, Map<String, Object> execution) {
        String code = view.error() == null ? "execution_failed" : view.error().code();
        String detail = view.error() == null ? "the execution failed" : view.error().message();
        return refusal(execution, code, view.tool() + " failed (execution " + view.executionId() + "): " + detail);
    }

    private McpSchema.CallToolResult refusal(Map<String, Object> execution, String code, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code.toLowerCase(Locale.ROOT));
        body.put("detail", detail);
        body.put("errors", List.of());
        body.put("execution", execution);
        return error(body, detail);
    }

    private McpSchema.CallToolResult success(Map<String, Object> structured, String summary) {
        return result(structured, summary, false);
    }

    private McpSchema.CallToolResult error(Map<String, Object> structured, String summary) {
        return result(structured, summary, true);
    }

    private McpSchema.CallToolResult result(Map<String, Object> structured, String summary, boolean isError) {
        return McpSchema.CallToolResult.builder()
                .addTextContent(summary)
                .addTextContent(records.asJson(structured))
                .structuredContent(structured)
                .isError(isError)
                .build();
    }
}
