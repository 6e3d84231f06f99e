package io.opsplane.command.mcp;

import io.modelcontextprotocol.spec.HttpHeaders;
import io.opsplane.platform.auth.ApiKeyAuthenticationFilter;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.platform.problem.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every request to {@code /mcp} (and below it) carries an API key, {@code Authorization: Bearer <key>}
 * (or {@code X-API-Key}), checked on each request by the platform's authentication filter, which runs
 * before this one, so that a key revoked mid-session stops working within the credential cache's
 * lifetime. Without a valid key: {@code 401 unauthenticated} with {@code WWW-Authenticate: Bearer}
 * (here too, should the filter order ever change).
 *
 * <p>A session belongs to the key that opened it: the session id the server hands out at
 * {@code initialize} is remembered with the key's id, and a request presenting that session with
 * another key is answered {@code 404}, as a session that does not exist is, so that a leaked session
 * id is worth nothing without its key.
 *
 * <p>It runs on every request the container maps to {@code /mcp} or below (its URL patterns), so
 * spellings the container normalises ({@code /mcp;x=1}, {@code /mcp/}) are authenticated too.
 *
 * <p>MCP requests draw on the same per-key rate limit bucket as REST requests.
 */
class McpAuthenticationFilter extends OncePerRequestFilter {

    static final String PATH = "/mcp";
    private static final int MAX_SESSIONS = 100_000;

    private final ProblemWriter problems;
    private final Map<String, String> sessionOwners = new ConcurrentHashMap<>();

    McpAuthenticationFilter(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<AuthenticatedKey> key = ApiKeyAuthenticationFilter.keyOf(request);
        if (key.isEmpty()) {
            problems.write(response, ApiKeyAuthenticationFilter.unauthenticated());
            return;
        }
        String keyId = key.get().keyId();
        String sessionId = request.getHeader(HttpHeaders.MCP_SESSION_ID);
        if (sessionId != null && !keyId.equals(sessionOwners.get(sessionId))) {
            problems.write(response, ApiException.notFound("mcp_session_not_found",
                    "no MCP session " + sessionId + " was opened with this API key; send initialize first"));
            return;
        }
        chain.doFilter(request, new SessionOwnerRecorder(response, keyId));
        if (sessionId != null && "DELETE".equals(request.getMethod()) && response.getStatus() < 300) {
            sessionOwners.remove(sessionId);
        }
    }

    /** Notes the session id the transport hands out at {@code initialize} as the calling key's. */
    private final class SessionOwnerRecorder extends HttpServletResponseWrapper {
        private final String keyId;

        SessionOwnerRecorder(HttpServletResponse response, String keyId) {
            super(response);
            this.keyId = keyId;
        }

        @Override
        public void setHeader(String name, String value) {
            record(name, value);
            super.setHeader(name, value);
        }

        @Override
        public void addHeader(String name, String value) {
            record(name, value);
            super.addHeader(name, value);
        }

        private void record(String name, String value) {
            if (HttpHeaders.MCP_SESSION_ID.equalsIgnoreCase(name) && value != null) {
                if (sessionOwners.size() >= MAX_SESSIONS) {
                    sessionOwners.clear();
                }
                sessionOwners.put(value, keyId);
            }
        }
    }
}
