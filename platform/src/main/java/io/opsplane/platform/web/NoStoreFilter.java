package io.opsplane.platform.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * {@code Cache-Control: no-store} on every response, before anything else can answer: responses
 * carry new keys, webhook secrets and audit data, and a refusal (401, 429) must not be cached
 * either. Set on every path rather than on {@code /v1/**} only, so that no spelling of an API path
 * escapes it; the public documents (health, OpenAPI) lose nothing by not being cached.
 */
public class NoStoreFilter extends OncePerRequestFilter {

    static final String NO_STORE = "no-store";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader(HttpHeaders.CACHE_CONTROL, NO_STORE);
        chain.doFilter(request, response);
    }
}
