package io.opsplane.platform.auth;

import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Lets handlers declare an {@link AuthenticatedKey} parameter. */
public class AuthenticatedKeyArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType().equals(AuthenticatedKey.class);
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
                                  NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
        Object key = webRequest.getAttribute(ApiKeyAuthenticationFilter.ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        if (key == null) {
            throw ApiKeyAuthenticationFilter.unauthenticated();
        }
        return key;
    }
}
