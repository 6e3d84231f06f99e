package io.opsplane.platform.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opsplane.platform.auth.ApiKeyAuthenticationFilter;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.platform.problem.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Map;

/**
 * Takes a token from the calling key's bucket for every authenticated {@code /v1} request and
 * stamps {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} on the
 * response before anything else writes it, so that errors carry them too. An empty bucket is
 * {@code 429 rate_limited} with {@code Retry-After}. Runs after authentication: an unauthenticated
 * request has no bucket and is answered {@code 401} before reaching this filter.
 */
public class RateLimitFilter extends OncePerRequestFilter {

    private final RateLimiter limiter;
    private final BucketLimit defaultLimit;
    private final ProblemWriter problems;
    private final MeterRegistry meters;

    public RateLimitFilter(RateLimiter limiter, BucketLimit defaultLimit, ProblemWriter problems, MeterRegistry meters) {
        this.limiter = limiter;
        this.defaultLimit = defaultLimit;
        this.problems = problems;
        this.meters = meters;
    }

    /** The bucket of one API key; per-tool buckets use other ids. */
    public static String keyBucket(String keyId) {
        return "key:" + keyId;
    }

    /** A key's own limit when it was issued with one, else the configured default. */
    public static BucketLimit limitOf(AuthenticatedKey key, BucketLimit defaultLimit) {
        return key.ratePerMinute() != null && key.rateBurst() != null
                ? new BucketLimit(key.ratePerMinute(), key.rateBurst()) : defaultLimit;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !(request.getAttribute(ApiKeyAuthenticationFilter.ATTRIBUTE) instanceof AuthenticatedKey);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        AuthenticatedKey key = (AuthenticatedKey) request.getAttribute(ApiKeyAuthenticationFilter.ATTRIBUTE);
        RateLimitDecision decision = limiter.tryTake(keyBucket(key.keyId()), limitOf(key, defaultLimit));
        writeHeaders(response, decision);
        if (!decision.allowed()) {
            limiter.countRejection();
            if (meters != null) {
                Counter.builder("opsplane.ratelimit.rejected")
                        .description("Requests refused with 429 rate_limited")
                        .tag("keyId", key.keyId()).tag("bucket", "key")
                        .register(meters).increment();
            }
            problems.write(response, rateLimited(decision, "this API key's rate limit is exhausted"));
            return;
        }
        chain.doFilter(request, response);
    }

    /** Sets the three {@code RateLimit-*} headers. */
    public static void writeHeaders(HttpServletResponse response, RateLimitDecision decision) {
        response.setHeader("RateLimit-Limit", Integer.toString(decision.limit()));
        response.setHeader("RateLimit-Remaining", Long.toString(decision.remaining()));
        response.setHeader("RateLimit-Reset", Long.toString(decision.resetSeconds()));
    }

    /** The {@code 429 rate_limited} problem for a refused decision. */
    public static ApiException rateLimited(RateLimitDecision decision, String detail) {
        return new ApiException(429, "rate_limited", "Too many requests",
                detail + "; retry after " + decision.retryAfterSeconds() + " s",
                Map.of("retryAfterSeconds", decision.retryAfterSeconds()),
                Map.of("Retry-After", Long.toString(decision.retryAfterSeconds())));
    }
}
