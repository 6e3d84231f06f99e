package io.opsplane.platform.problem;

import java.util.Map;

/**
 * A failure with a place in the HTTP contract: a status, a stable snake_case {@code code} and a
 * detail for humans. Feature code throws it (or a subclass); {@link ProblemHandler} renders it as
 * RFC 9457 problem+json. Extensions become extra members of the problem document.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    private final transient Map<String, Object> extensions;
    private final transient Map<String, String> headers;

    public ApiException(int status, String code, String title, String detail) {
        this(status, code, title, detail, Map.of(), Map.of());
    }

    public ApiException(int status, String code, String title, String detail, Map<String, Object> extensions,
                        Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.code = code;
        this.title = title;
        this.extensions = Map.copyOf(extensions);
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static ApiException notFound(String code, String detail) {
        return new ApiException(404, code, "Not found", detail);
    }

    public static ApiException conflict(String code, String detail) {
        return new ApiException(409, code, "Conflict", detail);
    }

    public static ApiException forbidden(String code, String detail) {
        return new ApiException(403, code, "Forbidden", detail);
    }

    public static ApiException invalidParameter(String name, String detail) {
        return new ApiException(400, "invalid_parameter", "Invalid query parameter", detail,
                Map.of("parameter", name), Map.of());
    }
}
