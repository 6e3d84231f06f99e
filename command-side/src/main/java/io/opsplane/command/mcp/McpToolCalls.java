package io.opsplane.command.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.opsplane.api.execution.ExecutionMode;
import io.opsplane.api.execution.ExecutionStatus;
import io.opsplane.api.execution.StepStatus;
import io.opsplane.api.execution.StepView;
import io.opsplane.command.execution.ExecutionService;
import io.opsplane.command.tool.InputValidator;
import io.opsplane.command.tool.ToolRegistry;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.platform.problem.FieldError;
import io.opsplane.platform.problem.InvalidInputException;
import io.opsplane.platform.problem.RefusalStatuses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * {@code tools/call}. A registry tool runs through {@link ExecutionDoor}, the REST API's own path;
 * Opsplane's {@code opsplane.*} tools plan, read, and run approved requests through the same
 * collaborators. Nothing here approves anything.
 *
 * <p>A call waits up to {@link McpProperties#callWait()} for the outcome. When the client sent a
 * progress token it hears {@code notifications/progress} every {@link McpProperties#progressInterval()}
 * while the tool runs; past the wait it gets the running Execution, which {@code opsplane.execution}
 * follows. A client's {@code notifications/cancelled} does not stop a tool that has started (the
 * target may already have acted): the execution goes on and is recorded.
 */
@Component
class McpToolCalls {

    private static final Logger log = LoggerFactory.getLogger(McpToolCalls.class);

    private final ToolRegistry registry;
    private final ExecutionDoor executions;
    private final McpRecords records;
    private final CallResults results;
    private final InputValidator validator;
    private final McpProperties properties;

    McpToolCalls(ToolRegistry registry, ExecutionDoor executions, McpRecords records, CallResults results,
                 InputValidator validator, McpProperties properties) {
        this.registry = registry;
        this.executions = executions;
        this.records = records;
        this.results = results;
        this.validator = validator;
        this.properties = properties;
    }

    McpSchema.CallToolResult call(McpAsyncServerExchange exchange, AuthenticatedKey key, Object params) {
        CallRequest request;
        try {
            request = CallRequest.parse(params);
        } catch (ApiException refused) {
            return results.refusal(refused);
        }
        BuiltInTools builtIn = BuiltInTools.named(request.name()).orElse(null);
        if (builtIn == null && registry.find(request.name()).isEmpty()) {
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("Unknown tool: " + request.name())
                    .data("no tool named '" + request.name() + "' is offered; tools/list shows the tools this key may call")
                    .build();
        }
        try {
            return builtIn == null ? execute(exchange, key, request) : builtIn(builtIn, exchange, key, request);
        } catch (McpError protocolError) {
            throw protocolError;
        } catch (RuntimeException e) {
            Optional<ApiException> problem = RefusalStatuses.problemIn(e);
            if (problem.isPresent()) {
                return results.refusal(problem.get());
            }
            String correlationId = UUID.randomUUID().toString();
            log.error("MCP tools/call {} failed [correlation id {}]", request.name(), correlationId, e);
            return results.internalError(correlationId);
        }
    }

    private McpSchema.CallToolResult execute(McpAsyncServerExchange exchange, AuthenticatedKey key, CallRequest request) {
        return results.of(waitReportingProgress(exchange, request, wait -> executions.submit(request.name(),
                request.arguments(), ExecutionMode.EXECUTE, request.reason(), request.idempotencyKey(), key, wait)));
    }

    private McpSchema.CallToolResult builtIn(BuiltInTools tool, McpAsyncServerExchange exchange, AuthenticatedKey key,
                                             CallRequest request) {
        if (!tool.offeredTo(key)) {
            throw ApiException.forbidden("forbidden", "this API key holds none of the scopes " + tool.toolName()
                    + " needs");
        }
        List<FieldError> errors = validator.validate(tool.inputSchemaNode(), request.arguments());
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        JsonNode arguments = request.arguments();
        return switch (tool) {
            case PLAN -> results.of(executions.submit(arguments.get("tool").asText(), inputOf(arguments),
                    ExecutionMode.PLAN, request.reason(), request.idempotencyKey(), key, Duration.ZERO));
            case EXECUTION -> {
                String id = arguments.get("executionId").asText();
                yield results.record(records.execution(id, key), "Execution " + id + ".");
            }
            case APPROVAL -> {
                String id = arguments.get("approvalRequestId").asText();
                var approval = records.approvalRequest(id, key);
                yield results.record(approval, "Approval request " + id + " is " + approval.get("status") + ".");
            }
            case EXECUTE_APPROVED -> results.of(waitReportingProgress(exchange, request, wait ->
                    executions.executeApproved(arguments.get("approvalRequestId").asText(), inputOf(arguments), key,
                            wait)));
        };
    }

    private static JsonNode inputOf(JsonNode arguments) {
        JsonNode input = arguments.get("input");
        return input == null ? JsonNodeFactory.instance.objectNode() : input;
    }

    /**
     * Starts the call with a first wait, then, while the execution runs and the client asked for
     * progress, reports it and waits again, up to the call's whole wait.
     */
    private ExecutionService.Outcome waitReportingProgress(McpAsyncServerExchange exchange, CallRequest request,
                                                           Function<Duration, ExecutionService.Outcome> start) {
        Duration whole = properties.callWait();
        if (request.progressToken() == null) {
            return start.apply(whole);
        }
        Instant deadline = Instant.now().plus(whole);
        ExecutionService.Outcome outcome = start.apply(shorter(properties.progressInterval(), whole));
        int reports = 0;
        while (isRunning(outcome) && Instant.now().isBefore(deadline)) {
            reports++;
            exchange.progressNotification(new McpSchema.ProgressNotification(request.progressToken(), (double) reports,
                    null, progressMessage(outcome))).block();
            Duration slice = shorter(properties.progressInterval(), Duration.between(Instant.now(), deadline));
            ExecutionService.Outcome previous = outcome;
            outcome = executions.await(outcome.execution().view().executionId(), slice).orElse(previous);
        }
        return outcome;
    }

    private static boolean isRunning(ExecutionService.Outcome outcome) {
        return outcome.inProgress() && outcome.execution().view().status() == ExecutionStatus.RUNNING;
    }

    private static String progressMessage(ExecutionService.Outcome outcome) {
        var view = outcome.execution().view();
        String step = view.steps() == null ? null : view.steps().stream()
                .filter(s -> s.status() == StepStatus.RUNNING).map(StepView::name).findFirst().orElse(null);
        return view.tool() + " running" + (step == null ? "" : ", step " + step) + " (execution "
                + view.executionId() + ")";
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
