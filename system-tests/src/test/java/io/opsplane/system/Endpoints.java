package io.opsplane.system;

import io.opsplane.api.apikey.Scope;
import io.opsplane.platform.auth.ApiKeyAuthenticationFilter;
import io.opsplane.platform.auth.RequiresScope;
import io.opsplane.platform.web.PlatformWebConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Every HTTP endpoint the two applications route, read from their handler mappings. */
final class Endpoints {

    private Endpoints() {
    }

    /**
     * One routed method and path.
     *
     * @param access {@code public}, the scopes a key needs ({@code tools:plan or tools:execute}), or
     *               {@code key} for an authenticated operational endpoint
     */
    record Endpoint(String method, String pattern, String side, String access) {

        boolean isPublic() {
            return access.equals("public");
        }

        String methodAndPath() {
            return method + " " + pattern;
        }
    }

    static Set<Endpoint> of(Map<String, ApplicationContext> sides) {
        Set<Endpoint> endpoints = new TreeSet<>(Comparator.comparing(Endpoint::pattern)
                .thenComparing(Endpoint::method).thenComparing(Endpoint::side));
        sides.forEach((side, context) -> context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()
                .forEach(mapping -> mapping.getHandlerMethods().forEach((info, handler) ->
                        add(endpoints, side, info, handler))));
        return endpoints;
    }

    private static void add(Set<Endpoint> endpoints, String side, RequestMappingInfo info, HandlerMethod handler) {
        Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
        for (String pattern : info.getPatternValues()) {
            if (pattern.equals("/error")) {
                continue; // the container's error dispatch; refused like any unknown path when asked for
            }
            String access = access(pattern, handler);
            for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                endpoints.add(new Endpoint(method.name(), pattern, side, access));
            }
        }
    }

    private static String access(String pattern, HandlerMethod handler) {
        if (ApiKeyAuthenticationFilter.isPublic(pattern, PlatformWebConfiguration.PUBLIC_PATHS)) {
            return "public";
        }
        RequiresScope scope = handler.getMethodAnnotation(RequiresScope.class);
        if (scope != null) {
            return Arrays.stream(scope.value()).map(Scope::wireName).collect(Collectors.joining(" or "));
        }
        return pattern.startsWith("/actuator") ? Scope.METRICS_READ.wireName() : "refused (no scope declared)";
    }
}
