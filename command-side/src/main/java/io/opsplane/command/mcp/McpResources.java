package io.opsplane.command.mcp;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.problem.ApiException;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Executions and approval requests as MCP resources, {@code opsplane://executions/{id}} and
 * {@code opsplane://approval-requests/{id}}: JSON as in the REST API, with the same rules on who may
 * read them as {@code opsplane.execution} and {@code opsplane.approval}. There is nothing to list
 * (they are found by id), so {@code resources/list} is empty and the templates say how to address them.
 */
@Component
class McpResources {

    static final String EXECUTIONS = "opsplane://executions/";
    static final String APPROVAL_REQUESTS = "opsplane://approval-requests/";
    private static final String JSON = "application/json";

    private final McpRecords records;

    McpResources(McpRecords records) {
        this.records = records;
    }

    McpSchema.ListResourceTemplatesResult templates() {
        return new McpSchema.ListResourceTemplatesResult(List.of(
                McpSchema.ResourceTemplate.builder().uriTemplate(EXECUTIONS + "{id}").name("execution")
                        .title("Execution").mimeType(JSON)
                        .description("One execution or plan with its timeline, as GET /v1/executions/{id} shows it")
                        .build(),
                McpSchema.ResourceTemplate.builder().uriTemplate(APPROVAL_REQUESTS + "{id}").name("approval-request")
                        .title("Approval request").mimeType(JSON)
                        .description("One approval request, as GET /v1/approval-requests/{id} shows it")
                        .build()), null);
    }

    McpSchema.ListResourcesResult resources() {
        return new McpSchema.ListResourcesResult(List.of(), null);
    }

    McpSchema.ReadResourceResult read(String uri, AuthenticatedKey key) {
        if (uri == null) {
            throw CallRequest.invalidParams("params.uri is required");
        }
        Map<String, Object> body;
        try {
            body = readKnown(uri, key, EXECUTIONS, records::execution);
            if (body == null) {
                body = readKnown(uri, key, APPROVAL_REQUESTS, records::approvalRequest);
            }
        } catch (ApiException problem) {
            int code = problem.status() == 404 ? McpSchema.ErrorCodes.RESOURCE_NOT_FOUND
                    : McpSchema.ErrorCodes.INVALID_PARAMS;
            throw McpError.builder(code).message(problem.detail()).data(Map.of("uri", uri, "code", problem.code()))
                    .build();
        }
        if (body == null) {
            throw McpError.builder(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND).message("Resource not found")
                    .data(Map.of("uri", uri, "detail", "this server serves " + EXECUTIONS + "{id} and "
                            + APPROVAL_REQUESTS + "{id}"))
                    .build();
        }
        return new McpSchema.ReadResourceResult(List.of(
                new McpSchema.TextResourceContents(uri, JSON, records.asJson(body))));
    }

    private static Map<String, Object> readKnown(String uri, AuthenticatedKey key, String prefix,
                                                 BiFunction<String, AuthenticatedKey, Map<String, Object>> reader) {
        if (!uri.startsWith(prefix)) {
            return null;
        }
        String id = uri.substring(prefix.length());
        if (id.isEmpty() || id.contains("/")) {
            throw ApiException.notFound("resource_not_found", "no resource at " + uri);
        }
        return reader.apply(id, key);
    }
}
