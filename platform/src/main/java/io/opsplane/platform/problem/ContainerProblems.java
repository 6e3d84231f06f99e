package io.opsplane.platform.problem;

/**
 * The problem for a status the servlet container set itself, before or outside the application: a request
 * line, target or header it could not parse, an unknown path, a body it refused. Only the status is known
 * there, so the code follows from it alone.
 */
final class ContainerProblems {

    private ContainerProblems() {
    }

    static ApiException forStatus(int status) {
        return switch (status) {
            case 400, 414, 431 -> new ApiException(status, "invalid_parameter", "Bad request",
                    "the request line, its path or query, or a header is not valid HTTP (check the percent-encoding,"
                            + " which must be UTF-8, and the sizes)");
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
