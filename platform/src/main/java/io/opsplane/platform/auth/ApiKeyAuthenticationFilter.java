package io.opsplane.platform.auth;

import io.opsplane.api.apikey.Scope;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.platform.problem.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The front door, first on every request. It fails closed:
 * <ol>
 *   <li>a path that is not in its one canonical spelling ({@link RequestPath}) is refused with
 *       {@code 400 invalid_parameter}, whatever it names, so that no spelling can make the router and
 *       this filter disagree;</li>
 *   <li>a path on the explicit public list (health, the OpenAPI document, Swagger UI, the operator
 *       console's page and static files) passes;</li>
 *   <li>every other request needs a valid key, as {@code Authorization: Bearer <key>} or
 *       {@code X-API-Key: <key>}; anything else is {@code 401 unauthenticated}, the same answer for a
 *       missing, unknown, revoked or expired key so that nothing is learnt about which keys exist;</li>
 *   <li>the actuator's operational endpoints (Prometheus, info) need {@code metrics:read}.</li>
 * </ol>
 * Scopes of API handlers are checked afterwards by {@link ScopeInterceptor}.
 */
public class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    /** The request attribute holding the {@link AuthenticatedKey}. */
    public static final String ATTRIBUTE = AuthenticatedKey.class.getName();
    /** The request attribute holding the request's canonical {@link RequestPath}. */
    public static final String PATH_ATTRIBUTE = RequestPath.class.getName();
    private static final String BEARER = "bearer ";
    private static final String ACTUATOR = "/actuator";
    private static final String ROOT = "/";

    private final ApiKeyAuthenticator authenticator;
    private final ProblemWriter problems;
    private final List<String> publicPaths;

    /**
     * @param publicPaths paths served without a key, each with everything below it, except {@code /}
     *                    (the root alone), see {@link #isPublic}
     */
    public ApiKeyAuthenticationFilter(ApiKeyAuthenticator authenticator, ProblemWriter problems,
                                      List<String> publicPaths) {
        this.authenticator = authenticator;
        this.problems = problems;
        this.publicPaths = List.copyOf(publicPaths);
    }

    /**
     * Whether a decoded canonical path is on a public list. Each entry covers itself and everything
     * below it, except the root {@code /}, which covers the root alone: putting the console's page
     * on the list must not open every path.
     */
    public static boolean isPublic(String decodedPath, List<String> publicPaths) {
        return publicPaths.stream().anyMatch(entry -> entry.equals(ROOT) ? decodedPath.equals(ROOT)
                : decodedPath.equals(entry) || decodedPath.startsWith(entry + "/"));
    }

    /** The canonical path of a request that passed this filter. */
    public static Optional<RequestPath> pathOf(HttpServletRequest request) {
        return request.getAttribute(PATH_ATTRIBUTE) instanceof RequestPath path ? Optional.of(path) : Optional.empty();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        RequestPath.Result parsed = RequestPath.parse(request.getRequestURI().substring(request.getContextPath().length()));
        if (parsed.canonical().isEmpty()) {
            problems.write(response, new ApiException(400, "invalid_parameter", "Invalid request path",
                    "the request path is not in its canonical form: " + parsed.refusal(), Map.of("parameter", "path"),
                    Map.of()));
            return;
        }
        RequestPath path = parsed.path();
        request.setAttribute(PATH_ATTRIBUTE, path);
        if (isPublic(path.decoded(), publicPaths)) {
            chain.doFilter(request, response);
            return;
        }
        Optional<AuthenticatedKey> key = authenticator.authenticate(presentedKey(request));
        if (key.isEmpty()) {
            problems.write(response, unauthenticated());
            return;
        }
        if (path.isAtOrBelow(ACTUATOR) && !key.get().hasScope(Scope.METRICS_READ)) {
            problems.write(response, ApiException.forbidden("forbidden",
                    "this API key lacks the scope " + Scope.METRICS_READ.wireName()));
            return;
        }
        request.setAttribute(ATTRIBUTE, key.get());
        chain.doFilter(request, response);
    }

    /** The key a request was authenticated with by this filter, if any. */
    public static Optional<AuthenticatedKey> keyOf(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof AuthenticatedKey key ? Optional.of(key) : Optional.empty();
    }

    /** The one answer to a request without a valid key, whatever refuses it. */
    public static ApiException unauthenticated() {
        return new ApiException(401, "unauthenticated", "Unauthenticated",
                "a valid API key is required (Authorization: Bearer <key> or X-API-Key)", Map.of(),
                Map.of("WWW-Authenticate", "Bearer"));
    }

    private static String presentedKey(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length()).trim();
        }
        String header = request.getHeader("X-API-Key");
        return header == null ? null : header.trim();
    }
}
