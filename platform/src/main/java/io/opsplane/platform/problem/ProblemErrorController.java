package io.opsplane.platform.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Spring Boot's whitelabel {@code /error}: whatever the servlet container rejects inside the
 * application (a {@code sendError} outside Spring MVC) is still answered with problem+json. What it rejects
 * before any application sees the request is answered by {@link ProblemErrorReportValve}.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        // Called directly, not by the container for an error, it is a path like any other that nothing serves.
        Object statusAttribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        return Problems.response(ContainerProblems.forStatus(statusAttribute instanceof Integer s ? s : 404));
    }
}
