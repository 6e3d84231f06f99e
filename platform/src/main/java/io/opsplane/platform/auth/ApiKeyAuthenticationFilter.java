package io.opsplane.platform.auth;

import io.opsplane.platform.problem.ApiException;
import io.opsplane.platform.problem.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * Every {@code /v1/**} request needs a valid key, as {@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}; anything else is {@code 401 unauthenticated}, the same answer for a
 * missing, unknown, revoked or expired key so that nothing is learnt about which keys exist.
 */
public class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    /** The request attribute holding the {@link AuthenticatedKey}. */
    public static final String ATTRIBUTE = AuthenticatedKey.class.getName();
    private static final String BEARER = "bearer ";

    private final ApiKeyAuthenticator authenticator;
    private final ProblemWriter problems;

    public ApiKeyAuthenticationFilter(ApiKeyAuthenticator authenticator, ProblemWriter problems) {
        this.authenticator = authenticator;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.equals("/v1") || path.startsWith("/v1/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<AuthenticatedKey> key = authenticator.authenticate(presentedKey(request));
        if (key.isEmpty()) {
            problems.write(response, new ApiException(401, "unauthenticated", "Unauthenticated",
                    "a valid API key is required (Authorization: Bearer <key> or X-API-Key)", Map.of(),
                    Map.of("WWW-Authenticate", "Bearer")));
            return;
        }
        request.setAttribute(ATTRIBUTE, key.get());
        chain.doFilter(request, response);
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
