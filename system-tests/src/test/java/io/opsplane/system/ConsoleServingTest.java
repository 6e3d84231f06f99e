package io.opsplane.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's page and assets are public at the base URL, and being public opens nothing else:
 * every API path still needs a key, however it is spelt next to the console's paths.
 */
class ConsoleServingTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern IMPORT = Pattern.compile("from '(\\.\\.?/[^']+)'");

    @RegisterExtension
    static final RunningSystem system = RunningSystem.perClass();

    @Test
    void theConsolePageIsServedAtTheRootWithoutAKeyAndOnlyFromItsOwnOrigin() throws Exception {
        HttpResponse<String> page = get("/", "text/html,application/xhtml+xml,*/*;q=0.8");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"));
        assertThat(page.body()).contains("<script type=\"module\" src=\"/console/app.js\"></script>",
                "href=\"/console/console.css\"", ">Approvals</a>", ">API keys</a>");
        assertThat(get("/", "application/json").statusCode()).isEqualTo(406);
    }

    @Test
    void everyScriptTheConsoleImportsIsServedWithoutAKey() throws Exception {
        List<String> pending = new java.util.ArrayList<>(List.of("/console/app.js"));
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (!pending.isEmpty()) {
            String path = pending.remove(0);
            if (!seen.add(path)) {
                continue;
            }
            HttpResponse<String> script = get(path, "*/*");
            assertThat(script.statusCode()).as(path).isEqualTo(200);
            assertThat(script.headers().firstValue("Content-Type")).as(path)
                    .hasValueSatisfying(type -> assertThat(type).contains("javascript"));
            assertThat(script.headers().firstValue("Cache-Control")).as(path).hasValue("no-cache");
            Matcher imports = IMPORT.matcher(script.body());
            while (imports.find()) {
                pending.add(URI.create("http://x" + path).resolve(imports.group(1)).getPath());
            }
        }
        assertThat(seen).contains("/console/api.js", "/console/pages/approvals.js", "/console/pages/events.js");
        assertThat(get("/console/console.css", "text/css,*/*;q=0.1").statusCode()).isEqualTo(200);
    }

    @Test
    void theApiStillNeedsAKeyNextToThePublicConsole() throws Exception {
        for (String path : List.of("/v1/tools", "/v1/executions", "/v1/api-keys", "/v1/events/stream", "/v1")) {
            assertThat(get(path, "application/json").statusCode()).as(path).isEqualTo(401);
        }
        for (String path : List.of("/console/../v1/tools", "/console/%2e%2e/v1/tools", "//v1/tools", "/;/v1/tools",
                "/console/;/../v1/tools")) {
            assertThat(get(path, "application/json").statusCode()).as(path).isIn(400, 401, 404);
        }
        assertThat(get("/console/nothing-here.js", "*/*").statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> get(String path, String accept) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(system.baseUrl() + path)).header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
