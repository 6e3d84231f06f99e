package io.opsplane.platform.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Spring Boot's whitelabel {@code /error}: whatever the servlet container itself rejects
 * (before or outside Spring MVC) is still answered with problem+json.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object statusAttribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = statusAttribute instanceof Integer s ? s : 500;
        return switch (status) {
            case 400 -> Problems.response(400, "malformed_request", "the request could not be parsed");
            case 404 -> Problems.response(404, "not_found", "no such resource");
            case 405 -> Problems.response(405, "method_not_allowed", "method not supported here");
            case 413 -> Problems.response(413, "payload_too_large", "the request body is too large");
            case 415 -> Problems.response(415, "unsupported_media_type", "send the body as application/json");
            default -> status >= 500
                    ? Problems.response(500, "internal_error", "an unexpected error occurred")
                    : Problems.response(status, "request_rejected", "the request was rejected");
        };
    }
}
