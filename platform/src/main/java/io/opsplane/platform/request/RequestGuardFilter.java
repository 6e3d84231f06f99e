package io.opsplane.platform.request;

import io.opsplane.platform.auth.ApiKeyAuthenticationFilter;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.platform.problem.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Refuses, before any work is done, what the API never serves: bodies above the size limit
 * ({@code 413 payload_too_large}, also for chunked bodies, counted as they are read), on every path,
 * and on the API's paths an {@code Accept} that admits neither JSON nor problem+json
 * ({@code 406 not_acceptable}) and a query string that does not decode as UTF-8
 * ({@code 400 invalid_parameter}). Runs after authentication, which has already refused
 * non-canonical paths and requests without a key.
 */
public class RequestGuardFilter extends OncePerRequestFilter {

    private static final List<MediaType> ALWAYS_ACCEPTABLE =
            List.of(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON);

    private final long maxBodyBytes;
    private final Map<String, MediaType> streamingPaths;
    private final ProblemWriter problems;

    /**
     * @param streamingPaths paths that answer in another media type (an SSE stream, an NDJSON export),
     *                       which an {@code Accept} may then name instead of JSON
     */
    public RequestGuardFilter(long maxBodyBytes, Map<String, MediaType> streamingPaths, ProblemWriter problems) {
        this.maxBodyBytes = maxBodyBytes;
        this.streamingPaths = Map.copyOf(streamingPaths);
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean api = ApiKeyAuthenticationFilter.pathOf(request).map(path -> path.isAtOrBelow("/v1")).orElse(true);
        if (api && !acceptable(request)) {
            problems.write(response, new ApiException(406, "not_acceptable", "Not acceptable",
                    "this API answers with application/json (errors with application/problem+json)"));
            return;
        }
        Optional<String> undecodable = QueryString.firstUndecodable(request.getQueryString());
        if (undecodable.isPresent()) {
            problems.write(response, ApiException.invalidParameter(undecodable.get(), "the query parameter"
                    + (undecodable.get().isEmpty() ? "" : " '" + undecodable.get() + "'")
                    + " is not well-formed: percent-escapes must be two hex digits and decode to UTF-8"));
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            problems.write(response, tooLarge());
            return;
        }
        chain.doFilter(new LimitedRequest(request, maxBodyBytes), response);
    }

    private ApiException tooLarge() {
        return new ApiException(413, "payload_too_large", "Payload too large",
                "the request body exceeds " + maxBodyBytes + " bytes");
    }

    private boolean acceptable(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        if (accept == null || accept.isBlank()) {
            return true;
        }
        List<MediaType> accepted;
        try {
            accepted = MediaType.parseMediaTypes(accept);
        } catch (InvalidMediaTypeException e) {
            return false;
        }
        MediaType streaming = ApiKeyAuthenticationFilter.pathOf(request).map(p -> streamingPaths.get(p.decoded())).orElse(null);
        return accepted.stream().anyMatch(a -> a.getQualityValue() > 0
                && (ALWAYS_ACCEPTABLE.stream().anyMatch(a::includes) || (streaming != null && a.includes(streaming))));
    }

    /** Thrown from a body stream that grew past the limit; the problem handler answers 413. */
    public static final class BodyTooLargeException extends IOException {
        public BodyTooLargeException(String message) {
            super(message);
        }
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedStream(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class LimitedStream extends ServletInputStream {
        private final ServletInputStream delegate;
        private final long limit;
        private long read;

        LimitedStream(ServletInputStream delegate, long limit) {
            this.delegate = delegate;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = delegate.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = delegate.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws BodyTooLargeException {
            read += n;
            if (read > limit) {
                throw new BodyTooLargeException("the request body exceeds " + limit + " bytes");
            }
        }

        @Override
        public boolean isFinished() {
            return delegate.isFinished();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            delegate.setReadListener(listener);
        }
    }
}
