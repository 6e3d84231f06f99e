package io.opsplane.command.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.opsplane.command.execution.ExecutionService;
import io.opsplane.command.tool.ToolJson;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.platform.problem.InvalidInputException;
import io.opsplane.platform.request.IdempotencyKeys;

/**
 * The parameters of one {@code tools/call}, read strictly. What breaks the protocol (no tool name,
 * arguments that are not an object, a malformed {@code _meta}) is a JSON-RPC error; what the REST
 * API would refuse (a bad {@code Idempotency-Key}, a reason that is too long) is an
 * {@link ApiException}, which the call answers as an {@code isError} result.
 *
 * @param progressToken the client's token for {@code notifications/progress}; {@code null} when it asked for none
 */
record CallRequest(String name, ObjectNode arguments, String idempotencyKey, String reason, Object progressToken) {

    static final String IDEMPOTENCY_KEY = "io.opsplane/idempotencyKey";
    static final String REASON = "io.opsplane/reason";

    static CallRequest parse(Object params) {
        JsonNode node = params == null ? null : ToolJson.MAPPER.valueToTree(params);
        if (node == null || !node.isObject()) {
            throw invalidParams("params must be an object with 'name' and 'arguments'");
        }
        JsonNode name = node.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw invalidParams("params.name must be a string naming a tool");
        }
        JsonNode arguments = node.get("arguments");
        if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
            throw invalidParams("params.arguments must be a JSON object");
        }
        JsonNode meta = node.get("_meta");
        if (meta != null && !meta.isNull() && !meta.isObject()) {
            throw invalidParams("params._meta must be a JSON object");
        }
        JsonNode token = meta == null ? null : meta.get("progressToken");
        if (token != null && !token.isNull() && !token.isTextual() && !token.isIntegralNumber()) {
            throw invalidParams("params._meta.progressToken must be a string or an integer");
        }
        ObjectNode input = arguments == null || arguments.isNull() ? JsonNodeFactory.instance.objectNode()
                : (ObjectNode) arguments;
        return new CallRequest(name.asText(), input, idempotencyKey(meta), reason(meta),
                token == null || token.isNull() ? null : (token.isTextual() ? token.asText() : token.numberValue()));
    }

    private static String idempotencyKey(JsonNode meta) {
        JsonNode key = meta == null ? null : meta.get(IDEMPOTENCY_KEY);
        if (key == null || key.isNull()) {
            return null;
        }
        if (!key.isTextual() || !IdempotencyKeys.isValid(key.asText())) {
            throw IdempotencyKeys.invalid("_meta \"" + IDEMPOTENCY_KEY + "\"");
        }
        return key.asText();
    }

    private static String reason(JsonNode meta) {
        JsonNode reason = meta == null ? null : meta.get(REASON);
        if (reason == null || reason.isNull()) {
            return null;
        }
        String field = "/_meta/" + REASON.replace("~", "~0").replace("/", "~1");
        if (!reason.isTextual()) {
            throw new InvalidInputException(field, "must be a string");
        }
        if (reason.asText().length() > ExecutionService.MAX_REASON_LENGTH) {
            throw new InvalidInputException(field, "must be at most " + ExecutionService.MAX_REASON_LENGTH
                    + " characters");
        }
        return reason.asText();
    }

    static McpError invalidParams(String detail) {
        return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("Invalid params: " + detail)
                .data(detail).build();
    }
}
