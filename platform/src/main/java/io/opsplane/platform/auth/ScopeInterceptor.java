package io.opsplane.platform.auth;

import io.opsplane.api.apikey.Scope;
import io.opsplane.platform.problem.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Enforces {@link RequiresScope} on every handler, whatever its path. Fails closed twice: a handler
 * that declares a scope is {@code 401} without an authenticated key, even if a path rule let the
 * request through; and an API handler ({@code /v1/**}) without the annotation is refused, so that a
 * forgotten annotation never opens an endpoint.
 */
public class ScopeInterceptor implements HandlerInterceptor {

    private static final String API_PREFIX = "/v1";

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        RequiresScope required = method.getMethodAnnotation(RequiresScope.class);
        Object attribute = request.getAttribute(ApiKeyAuthenticationFilter.ATTRIBUTE);
        if (required == null) {
            boolean apiPath = ApiKeyAuthenticationFilter.pathOf(request).map(p -> p.isAtOrBelow(API_PREFIX)).orElse(true);
            if (apiPath) {
                throw ApiException.forbidden("forbidden", "this operation is not open to API keys");
            }
            return true;
        }
        if (!(attribute instanceof AuthenticatedKey key)) {
            throw ApiKeyAuthenticationFilter.unauthenticated();
        }
        if (Arrays.stream(required.value()).noneMatch(key::hasScope)) {
            String names = Arrays.stream(required.value()).map(Scope::wireName).collect(Collectors.joining(" or "));
            throw ApiException.forbidden("forbidden", "this API key lacks the scope " + names);
        }
        return true;
    }
}
