package io.opsplane.command.tool;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.opsplane.api.apikey.Scope;
import io.opsplane.api.execution.ExecutionMode;
import io.opsplane.api.execution.ToolRef;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.platform.problem.FieldError;
import io.opsplane.platform.problem.InvalidInputException;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A request to use a tool, checked in one place: the tool is found, the key may use it (and holds the scope the
 * use needs), the input passes the tool's schema and its own checks, and the input is redacted and hashed. Executing,
 * planning, opening an approval request and running an approved one all go through here, so they refuse alike and
 * an execution request is hashed one way only (idempotency compares that hash: two ways of computing it would let a
 * retry through as a different request, or refuse a true one).
 */
@Component
public class ToolRequests {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final ToolRegistry registry;
    private final InputValidator validator;

    ToolRequests(ToolRegistry registry, InputValidator validator) {
        this.registry = registry;
        this.validator = validator;
    }

    /**
     * A checked request.
     *
     * @param input    the input as given, secrets included: for running, never for recording
     * @param redacted the input with its secret fields replaced, as it may be recorded
     */
    public record Checked(Tool tool, ToolRef ref, JsonNode input, JsonNode redacted) {

        public ToolDescriptor descriptor() {
            return tool.descriptor();
        }

        /** The redacted input as the events record it. */
        public Map<String, Object> recordedInput() {
            return ToolJson.MAPPER.convertValue(redacted, MAP);
        }

        /** The hash an execution request records, over tool, mode, redacted input and reason. */
        public String executionHash(ExecutionMode mode, String reason) {
            return ToolRequests.executionHash(ref.name(), mode, redacted, reason);
        }
    }

    /**
     * Checks a request to {@code use} (execute or plan) {@code toolName}: unknown tool {@code 404 tool_not_found};
     * a key lacking the scope that use needs, or not allowed the tool, {@code 403 forbidden}; a bad input
     * {@code 400 invalid_input}. With {@code use} null the scope is left to the caller.
     */
    public Checked check(String toolName, JsonNode input, AuthenticatedKey key, ExecutionMode use) {
        return check(toolName, input, key, use, () -> ApiException.notFound("tool_not_found",
                "no tool named '" + toolName + "' is registered"));
    }

    /** As {@link #check(String, JsonNode, AuthenticatedKey, ExecutionMode)}, with the caller's refusal for a missing tool. */
    public Checked check(String toolName, JsonNode input, AuthenticatedKey key, ExecutionMode use,
                         Supplier<? extends RuntimeException> missing) {
        Tool tool = registry.find(toolName).orElseThrow(missing);
        ToolDescriptor descriptor = tool.descriptor();
        Scope scope = use == null ? null : use == ExecutionMode.PLAN ? Scope.TOOLS_PLAN : descriptor.requiredScope();
        if (scope != null && !key.hasScope(scope)) {
            throw ApiException.forbidden("forbidden", "this API key lacks the scope " + scope.wireName());
        }
        if (!key.mayUseTool(descriptor.name())) {
            throw ApiException.forbidden("forbidden", "this API key is not allowed to use " + descriptor.name());
        }
        List<FieldError> errors = validator.validate(descriptor, input);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        tool.checkInput(input);
        return new Checked(tool, ToolRegistry.refOf(descriptor), input,
                SecretRedactor.redact(input, descriptor.secretFields()));
    }

    /** {@code sha256:} over the canonical JSON of tool name, mode, redacted input and reason. */
    public static String executionHash(String toolName, ExecutionMode mode, JsonNode redactedInput, String reason) {
        return CanonicalJson.digest(executionRequest(toolName, mode, redactedInput, reason));
    }

    /**
     * The same hash in the canonical form {@code stored} was made in, so that an execution recorded before
     * digests followed RFC 8785 is still recognised as the same request ({@link CanonicalJson#digestAs}).
     */
    public static String executionHashAs(String stored, String toolName, ExecutionMode mode, Object recordedInput,
                                         String reason) {
        return CanonicalJson.digestAs(stored, executionRequest(toolName, mode, ToolJson.MAPPER.valueToTree(recordedInput), reason));
    }

    private static Map<String, Object> executionRequest(String toolName, ExecutionMode mode, JsonNode redactedInput,
                                                        String reason) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("tool", toolName);
        request.put("mode", mode.name());
        request.put("input", redactedInput);
        request.put("reason", reason);
        return request;
    }
}
