package io.opsplane.platform.openapi;

import io.opsplane.platform.auth.RequiresScope;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springframework.http.HttpStatus;
import org.springframework.web.method.HandlerMethod;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The problem answers of one operation, read from what the code declares about it: every
 * operation can be refused at the edge (a path or parameter not in canonical form, no key, a rate
 * or concurrency limit, an unacceptable {@code Accept}); a handler with {@link RequiresScope} can
 * answer {@code 403}; one with a request body can find it malformed, invalid, too large or of the
 * wrong media type; an {@code Idempotency-Key} header can be invalid; a read with
 * {@code minPosition} can find its projection behind. Domain refusals (a wrong state, an unknown
 * id) are not declared by handlers, so they are not listed per operation; the contract names them.
 */
final class ProblemResponses {

    /** The codes each response lists, as a machine-readable extension beside the description. */
    static final String CODES_EXTENSION = "x-problem-codes";

    private ProblemResponses() {
    }

    static Operation describe(Operation operation, HandlerMethod handler) {
        Map<Integer, Set<String>> codes = new TreeMap<>();
        add(codes, 400, "invalid_parameter");
        add(codes, 401, "unauthenticated");
        if (handler.hasMethodAnnotation(RequiresScope.class)) {
            add(codes, 403, "forbidden");
        }
        add(codes, 406, "not_acceptable");
        add(codes, 429, "rate_limited", "concurrency_limited");
        add(codes, 500, "internal_error");
        if (operation.getRequestBody() != null) {
            add(codes, 400, "malformed_json", "invalid_input");
            add(codes, 413, "payload_too_large");
            add(codes, 415, "unsupported_media_type");
        }
        if (hasParameter(operation, "header", "Idempotency-Key")) {
            add(codes, 400, "invalid_idempotency_key");
        }
        if (hasParameter(operation, "query", "minPosition")) {
            add(codes, 503, "projection_behind");
        }
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        codes.forEach((status, listed) -> responses.addApiResponse(String.valueOf(status), response(status, listed)));
        return operation.responses(responses);
    }

    private static ApiResponse response(int status, Set<String> codes) {
        HttpStatus known = HttpStatus.resolve(status);
        String phrase = known == null ? "Error" : known.getReasonPhrase();
        ApiResponse response = new ApiResponse()
                .description(phrase + ": " + codes.stream().map(code -> "`" + code + "`").collect(Collectors.joining(", ")))
                .content(new Content().addMediaType("application/problem+json",
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + ApiDocumentation.PROBLEM_SCHEMA))));
        response.addExtension(CODES_EXTENSION, new ArrayList<>(codes));
        return response;
    }

    private static boolean hasParameter(Operation operation, String in, String name) {
        List<Parameter> parameters = operation.getParameters() == null ? List.of() : operation.getParameters();
        return parameters.stream().anyMatch(p -> in.equals(p.getIn()) && name.equalsIgnoreCase(p.getName()));
    }

    private static void add(Map<Integer, Set<String>> codes, int status, String... added) {
        codes.computeIfAbsent(status, s -> new LinkedHashSet<>()).addAll(List.of(added));
    }
}
