package io.opsplane.platform.problem;

import io.opsplane.api.refusal.Refusal;
import io.opsplane.platform.request.RequestGuardFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;

import org.apache.tomcat.util.http.InvalidParameterException;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The one place where exceptions become HTTP answers: RFC 9457 problem+json with a stable
 * {@code code}. Never a stack trace, never HTML, never a 5xx for bad input.
 */
@RestControllerAdvice
public class ProblemHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e) {
        return Problems.response(e);
    }

    /** A domain refusal, answered as {@link RefusalStatuses} maps its reason. */
    @ExceptionHandler(Refusal.class)
    ResponseEntity<ProblemDetail> refused(Refusal e) {
        return Problems.response(RefusalStatuses.problemOf(e));
    }

    /**
     * A body that could not be read. Bodies of the JSON endpoints are read by {@code StrictJsonConverter}, which
     * answers with its own codes; what arrives here failed before or outside it (no body, an unreadable stream).
     */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RequestGuardFilter.BodyTooLargeException) {
                return Problems.response(413, "payload_too_large", t.getMessage());
            }
        }
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof DatabindException db && !(cause instanceof StreamReadException)) {
            return Problems.response(new InvalidInputException(pointer(db), "has the wrong type or shape"));
        }
        return Problems.response(400, "malformed_json", cause instanceof JacksonException
                ? "the body is not exactly one well-formed JSON value" : "the body is missing or could not be read");
    }

    /** Bean Validation on a request record: every violated constraint, each at its JSON Pointer. */
    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<ProblemDetail> invalid(MethodArgumentNotValidException e) {
        List<FieldError> errors = new ArrayList<>();
        e.getBindingResult().getFieldErrors().forEach(error ->
                errors.add(new FieldError(pointer(error.getField()), error.getDefaultMessage())));
        e.getBindingResult().getGlobalErrors().forEach(error -> errors.add(new FieldError("", error.getDefaultMessage())));
        List<String> fields = fieldOrder(e.getParameter().getParameterType());
        errors.sort(Comparator.comparingInt((FieldError error) -> {
            String first = error.path().isEmpty() ? "" : error.path().substring(1).split("/")[0];
            int index = fields.indexOf(first);
            return index < 0 ? Integer.MAX_VALUE : index;
        }).thenComparing(FieldError::path));
        return Problems.response(new InvalidInputException(errors));
    }

    /** A request record's fields in the order it declares them, the order its errors are listed in. */
    private static List<String> fieldOrder(Class<?> type) {
        return type.isRecord() ? Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList() : List.of();
    }

    /** The container could not decode the query string (bad percent-encoding, not UTF-8). */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> undecodableParameter(InvalidParameterException e) {
        return Problems.response(ApiException.invalidParameter("",
                "the query string is not valid: use UTF-8 and well-formed percent-encoding"));
    }

    @ExceptionHandler(ServletRequestBindingException.class)
    ResponseEntity<ProblemDetail> binding(ServletRequestBindingException e) {
        return Problems.response(ApiException.invalidParameter("", "the request's parameters or headers are not valid"));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> unsupported(HttpMediaTypeNotSupportedException e) {
        return Problems.response(415, "unsupported_media_type",
                "send the body as application/json (got " + e.getContentType() + ")");
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ProblemDetail> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return Problems.response(406, "not_acceptable", "this resource is available as application/json");
    }

    @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class})
    ResponseEntity<ProblemDetail> noRoute(HttpServletRequest request) {
        return Problems.response(404, "not_found", "no such resource: " + request.getRequestURI());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e) {
        String allowed = e.getSupportedHttpMethods() == null ? "" : e.getSupportedHttpMethods().stream()
                .map(Object::toString).collect(Collectors.joining(", "));
        return Problems.response(new ApiException(405, "method_not_allowed", "Method not allowed",
                e.getMethod() + " is not supported here", Map.of(), allowed.isEmpty() ? Map.of() : Map.of("Allow", allowed)));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> parameterType(MethodArgumentTypeMismatchException e) {
        return Problems.response(ApiException.invalidParameter(e.getName(),
                "'" + e.getName() + "' has an invalid value: " + e.getValue()));
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missingParameter(MissingServletRequestParameterException e) {
        return Problems.response(ApiException.invalidParameter(e.getParameterName(),
                "'" + e.getParameterName() + "' is required"));
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<ProblemDetail> missingHeader(MissingRequestHeaderException e) {
        return Problems.response(ApiException.invalidParameter(e.getHeaderName(), "header " + e.getHeaderName() + " is required"));
    }

    /**
     * The client went away (an SSE stream closed, a download aborted): there is nobody to answer. Taking the
     * response as a parameter marks the request handled, so nothing is written and nothing else resolves it.
     */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void clientGone(AsyncRequestNotUsableException e, HttpServletRequest request, HttpServletResponse response) {
        log.debug("Client disconnected from {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
    }

    /**
     * A 500 with a correlation id, unless the response can no longer carry one: once it is committed, or when it is
     * an event stream, a problem body cannot be written, so the failure is only logged (a write failing because the
     * client disconnected at debug level, anything else as an error) and the response is left as it is.
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request, HttpServletResponse response) {
        if (cannotCarryProblem(response)) {
            if (e instanceof IOException) {
                log.debug("Write to {} {} failed, the client is probably gone: {}", request.getMethod(),
                        request.getRequestURI(), e.toString());
            } else {
                log.error("Unhandled error on {} {} after its response started", request.getMethod(),
                        request.getRequestURI(), e);
            }
            return null;
        }
        String correlationId = UUID.randomUUID().toString();
        // As a key-value pair too, so that structured (JSON) logs carry it as a field of its own.
        log.atError().addKeyValue("correlationId", correlationId).setCause(e)
                .log("Unhandled error {} on {} {}", correlationId, request.getMethod(), request.getRequestURI());
        return Problems.response(new ApiException(500, "internal_error", "Internal error",
                "an unexpected error occurred; quote the correlation id when reporting it",
                Map.of("correlationId", correlationId), Map.of()));
    }

    private static boolean cannotCarryProblem(HttpServletResponse response) {
        if (response.isCommitted()) {
            return true;
        }
        String contentType = response.getContentType();
        try {
            return contentType != null
                    && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(MediaType.parseMediaType(contentType));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /** {@code rateLimit.perMinute} or {@code scopes[0]}, as Spring names a field, to {@code /rateLimit/perMinute}. */
    static String pointer(String field) {
        StringBuilder path = new StringBuilder();
        for (String part : field.split("[.\\[]")) {
            if (!part.isEmpty()) {
                String name = part.endsWith("]") ? part.substring(0, part.length() - 1) : part;
                path.append('/').append(name.replace("~", "~0").replace("/", "~1"));
            }
        }
        return path.toString();
    }

    private static String pointer(DatabindException e) {
        StringBuilder path = new StringBuilder();
        for (var ref : e.getPath()) {
            path.append('/');
            if (ref.getPropertyName() != null) {
                path.append(ref.getPropertyName().replace("~", "~0").replace("/", "~1"));
            } else {
                path.append(ref.getIndex());
            }
        }
        return path.toString();
    }
}
