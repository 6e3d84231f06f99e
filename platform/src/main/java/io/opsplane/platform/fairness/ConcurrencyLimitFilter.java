package io.opsplane.platform.fairness;

import io.opsplane.platform.auth.ApiKeyAuthenticationFilter;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.platform.problem.ProblemWriter;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps one API key from holding an instance: at most {@code requestsPerKey} of its requests in flight and at most
 * {@code streamsPerKey} of its event streams open; beyond either, {@code 429 concurrency_limited} with
 * {@code Retry-After}. A request counts until its response is complete, also when it continues asynchronously
 * (an event stream, a wait), so an open stream holds its slot until it ends. Streams count against their own cap
 * only. Runs after authentication: it counts per key id.
 */
public class ConcurrencyLimitFilter extends OncePerRequestFilter {

    static final int RETRY_AFTER_SECONDS = 1;

    private final int requestsPerKey;
    private final int streamsPerKey;
    private final Set<String> streamPaths;
    private final ProblemWriter problems;
    private final KeyCounters requests = new KeyCounters();
    private final KeyCounters streams = new KeyCounters();

    public ConcurrencyLimitFilter(int requestsPerKey, int streamsPerKey, Set<String> streamPaths, ProblemWriter problems) {
        this.requestsPerKey = requestsPerKey;
        this.streamsPerKey = streamsPerKey;
        this.streamPaths = Set.copyOf(streamPaths);
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !(request.getAttribute(ApiKeyAuthenticationFilter.ATTRIBUTE) instanceof AuthenticatedKey);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String keyId = ((AuthenticatedKey) request.getAttribute(ApiKeyAuthenticationFilter.ATTRIBUTE)).keyId();
        boolean stream = streamPaths.contains(request.getRequestURI());
        KeyCounters counters = stream ? streams : requests;
        int limit = stream ? streamsPerKey : requestsPerKey;
        if (!counters.tryAcquire(keyId, limit)) {
            problems.write(response, limited(stream, limit));
            return;
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                counters.release(keyId);
            }
        };
        try {
            chain.doFilter(request, response);
        } finally {
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new ReleaseOnEnd(release));
            } else {
                release.run();
            }
        }
    }

    /** In flight now for a key (for tests and metrics). */
    int inFlight(String keyId) {
        return requests.held(keyId);
    }

    int openStreams(String keyId) {
        return streams.held(keyId);
    }

    private static ApiException limited(boolean stream, int limit) {
        String detail = stream
                ? "this API key already has " + limit + " event streams open here; close one or retry later"
                : "this API key already has " + limit + " requests in flight here; retry when one has finished";
        return new ApiException(429, "concurrency_limited", "Too many concurrent requests", detail,
                Map.of("retryAfterSeconds", RETRY_AFTER_SECONDS), Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)));
    }

    private record ReleaseOnEnd(Runnable release) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            release.run();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            release.run();
        }

        @Override
        public void onError(AsyncEvent event) {
            release.run();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }
}
