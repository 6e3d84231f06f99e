package io.opsplane.platform.problem;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Tomcat's last word, in place of its HTML error page: what the container refuses before any application
 * sees it (an illegal character or encoded {@code /} in the path, {@code [} in the query, an oversized or
 * malformed header) is answered with problem+json like every other error. Installed on the host by
 * {@code PlatformWebConfiguration}; Tomcat creates it by class name, hence the public no-argument constructor.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public ProblemErrorReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        ApiException problem = ContainerProblems.forStatus(status);
        try {
            response.resetBuffer();
            response.setStatus(problem.status());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-store");
            OutputStream body = response.getOutputStream();
            body.write(JSON.writeValueAsBytes(Problems.asMap(problem)));
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // The connection is already gone or the response committed: nothing more can be said.
        }
    }
}
