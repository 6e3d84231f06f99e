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
 * Enforces {@link RequiresScope} on every authenticated handler. Fails closed: an authenticated
 * handler without the annotation is refused, so that a forgotten annotation never opens an endpoint.
 */
public class ScopeInterceptor implements HandlerInterceptor {

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        Object attribute = request.getAttribute(ApiKeyAuthenticationFilter.ATTRIBUTE);
        if (!(attribute instanceof AuthenticatedKey key) || !(handler instanceof HandlerMethod method)) {
            return true;
        }
        RequiresScope required = method.getMethodAnnotation(RequiresScope.class);
        if (required == null) {
            throw ApiException.forbidden("forbidden", "this operation is not open to API keys");
        }
        if (Arrays.stream(required.value()).noneMatch(key::hasScope)) {
            String names = Arrays.stream(required.value()).map(Scope::wireName).collect(Collectors.joining(" or "));
            throw ApiException.forbidden("forbidden", "this API key lacks the scope " + names);
        }
        return true;
    }
}
