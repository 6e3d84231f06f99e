package io.opsplane.platform.problem;

/**
 * The problem for a status the servlet container set itself, before or outside the application: a request
 * line, target or header it could not parse, an unknown path, a body it refused. Only the status is known
 * there, so the code follows from it alone. What the container could not parse is bad input, so its
 * {@code 501} (an unknown transfer coding) and {@code 505} (an unknown HTTP version) become {@code 400}.
 */
final class ContainerProblems {

    private ContainerProblems() {
    }

    static ApiException forStatus(int status) {
        return switch (status) {
            case 400, 414, 431, 501, 505 -> new ApiException(status >= 500 ? 400 : status, "invalid_parameter", "Bad request",
                    "the request is not valid HTTP: its request line, path or query, a header or the framing of its"
                            + " body (percent-encoding must be well-formed UTF-8; mind the size limits)");
            case 404 -> new ApiException(404, "not_found", "Not found", "no such resource");
            case 405 -> new ApiException(405, "method_not_allowed", "Method not allowed", "method not supported here");
            case 406 -> new ApiException(406, "not_acceptable", "Not acceptable", "this resource is available as application/json");
            case 413 -> new ApiException(413, "payload_too_large", "Payload too large", "the request body is too large");
            case 415 -> new ApiException(415, "unsupported_media_type", "Unsupported media type", "send the body as application/json");
            default -> status >= 500 || status < 400
                    ? new ApiException(500, "internal_error", "Internal error", "an unexpected error occurred")
                    : new ApiException(status, "invalid_parameter", "Bad request", "the request was refused");
        };
    }
}
