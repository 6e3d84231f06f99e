package io.opsplane.platform.problem;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds problem documents, the one shape every error of both applications takes. */
public final class Problems {

    /** Where the problem types are documented; {@code type} is this plus the code. */
    public static final String TYPE_BASE = "https://opsplane.io/problems/";

    private Problems() {
    }

    public static ProblemDetail detail(int status, String code, String title, String detail,
                                       Map<String, Object> extensions) {
        ProblemDetail problem = ProblemDetail.forStatus(status);
        problem.setType(URI.create(TYPE_BASE + code));
        problem.setTitle(title != null ? title : reasonPhrase(status));
        problem.setDetail(detail);
        problem.setProperty("code", code);
        extensions.forEach(problem::setProperty);
        return problem;
    }

    public static ResponseEntity<ProblemDetail> response(ApiException e) {
        HttpHeaders headers = new HttpHeaders();
        e.headers().forEach(headers::set);
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return ResponseEntity.status(e.status()).headers(headers)
                .body(detail(e.status(), e.code(), e.title(), e.detail(), e.extensions()));
    }

    public static ResponseEntity<ProblemDetail> response(int status, String code, String detail) {
        return response(new ApiException(status, code, reasonPhrase(status), detail));
    }

    /** The problem as a plain map, for writers outside Spring MVC (filters). */
    public static Map<String, Object> asMap(ApiException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + e.code());
        body.put("title", e.title());
        body.put("status", e.status());
        body.put("detail", e.detail());
        body.put("code", e.code());
        body.putAll(e.extensions());
        return body;
    }

    static String reasonPhrase(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known != null ? known.getReasonPhrase() : "Error";
    }
}
