package io.opsplane.localrun;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The gateway's answer to what its Tomcat refuses before forwarding: problem+json with the codes the sides use
 * for the same refusals, never Tomcat's HTML page. A request the gateway could not parse is bad input, so a
 * {@code 501} (an unknown transfer coding) or {@code 505} (an unknown HTTP version) is answered as a {@code 400}.
 * Tomcat creates it by class name.
 */
public class GatewayErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String code;
        String detail;
        switch (status) {
            case 404 -> {
                code = "not_found";
                detail = "no such resource";
            }
            case 405 -> {
                code = "method_not_allowed";
                detail = "method not supported here";
            }
            case 413 -> {
                code = "payload_too_large";
                detail = "the request body is too large";
            }
            default -> {
                status = status >= 500 && status != 501 && status != 505 ? 500 : 400;
                code = status == 500 ? "internal_error" : "invalid_parameter";
                detail = status == 500 ? "an unexpected error occurred"
                        : "the request is not valid HTTP: its request line, path or query, a header or the framing"
                        + " of its body (percent-encoding must be well-formed UTF-8; mind the size limits)";
            }
        }
        String title = switch (code) {
            case "not_found" -> "Not found";
            case "method_not_allowed" -> "Method not allowed";
            case "payload_too_large" -> "Payload too large";
            case "internal_error" -> "Internal error";
            default -> "Bad request";
        };
        String body = "{\"type\":\"" + Gateway.PROBLEM_TYPE_BASE + code + "\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\"" + detail
                + "\",\"code\":\"" + code + "\"}";
        try {
            response.resetBuffer();
            response.setStatus(status);
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-store");
            response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // The connection is already gone: nothing more can be said.
        }
    }
}
