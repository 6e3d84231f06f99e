package io.opsplane.platform.auth;

import io.opsplane.platform.web.PlatformWebConfiguration;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PublicPathsTest {

    private static boolean isPublic(String rawPath) {
        return RequestPath.parse(rawPath).canonical()
                .map(path -> ApiKeyAuthenticationFilter.isPublic(path.decoded(), PlatformWebConfiguration.PUBLIC_PATHS))
                .orElse(false);
    }

    @Test
    void theConsolesPageAndAssetsArePublic() {
        for (String path : List.of("/", "/console", "/console/app.js", "/console/pages/approvals.js", "/actuator/health",
                "/actuator/health/liveness", "/v3/api-docs", "/swagger-ui/index.html")) {
            assertThat(isPublic(path)).as(path).isTrue();
        }
    }

    @Test
    void theRootCoversItselfAloneSoEveryApiPathStillNeedsAKey() {
        for (String path : List.of("/v1", "/v1/tools", "/v1/api-keys", "/v1/events/stream", "/actuator/prometheus",
                "/actuator", "/consolex", "/consolex/app.js", "/nowhere", "/error", "/index.html",
                "/console/../v1/tools", "/console/%2e%2e/v1/tools", "/console;/v1/tools", "//v1/tools", "/console/")) {
            assertThat(isPublic(path)).as(path).isFalse();
        }
    }

    @Test
    void aPublicEntryOtherThanTheRootCoversWhatLiesBelowIt() {
        assertThat(ApiKeyAuthenticationFilter.isPublic("/a/b", List.of("/a"))).isTrue();
        assertThat(ApiKeyAuthenticationFilter.isPublic("/ab", List.of("/a"))).isFalse();
        assertThat(ApiKeyAuthenticationFilter.isPublic("/a", List.of("/"))).isFalse();
        assertThat(ApiKeyAuthenticationFilter.isPublic("/", List.of("/"))).isTrue();
    }
}
