package io.opsplane.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ApplicationContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every spelling of every protected path, through the local base URL and on each side directly: no
 * spelling is served without a key, and a spelling the server does not serve as such is
 * {@code 400 invalid_parameter} or {@code 404 not_found}, never a 2xx, also with the admin key. The
 * endpoints come from both applications' handler mappings, so a new endpoint is covered without
 * anyone remembering to add it.
 */
class FrontDoorTest {

    @RegisterExtension
    static final RunningSystem system = RunningSystem.perClass();

    private static final Path SECURITY_DOC = Path.of("..", "docs", "security.md");
    private static final String INVENTORY_START = "<!-- endpoint-inventory:start -->";
    private static final String INVENTORY_END = "<!-- endpoint-inventory:end -->";

    private static Set<Endpoints.Endpoint> endpoints() {
        Map<String, ApplicationContext> sides = new LinkedHashMap<>();
        sides.put("command", system.commandSide());
        sides.put("query", system.querySide());
        return Endpoints.of(sides);
    }

    /** "GET /v1/executions/{id}" for every endpoint of both sides whose path is not public. */
    private static Set<String> protectedEndpoints() {
        return endpoints().stream().filter(e -> !e.isPublic()).map(Endpoints.Endpoint::methodAndPath)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Spellings of {@code path} that a naive prefix check or a lenient router might take for it. */
    static List<String> spellings(String path) {
        String[] segments = path.substring(1).split("/");
        String first = segments[0];
        String rest = path.substring(1 + first.length());
        String last = segments[segments.length - 1];
        String head = path.substring(0, path.length() - last.length());
        List<String> variants = new ArrayList<>(List.of(
                "/" + first + ";x" + rest,
                "/" + first + ";" + rest,
                path + ";",
                path + ";jsessionid=1",
                "/%" + Integer.toHexString(first.charAt(0)) + first.substring(1) + rest,
                "/%" + Integer.toHexString(first.charAt(0)).toUpperCase() + first.substring(1) + rest,
                head + "%" + Integer.toHexString(last.charAt(0)) + last.substring(1),
                "/" + first + "%2F" + rest.substring(Math.min(1, rest.length())),
                "/" + first + "%2f" + rest.substring(Math.min(1, rest.length())),
                "/" + first + "/." + rest,
                "/./" + first + rest,
                "/" + first + "/x/.." + rest,
                "/" + first + "/%2e" + rest,
                "/" + first + "/%2E%2E/" + first + rest,
                "/" + first + "/..%2F" + first + rest,
                "/" + first + "/%c0%ae%c0%ae/" + first + rest,
                "//" + first + rest,
                "/" + first + "/" + rest,
                path + "/",
                path + "/.",
                path + "//",
                "/" + first + "\\" + rest.substring(Math.min(1, rest.length())),
                path + "%00",
                path + "%3Bx",
                "/" + first + "%3B" + rest,
                "/actuator/health/../.." + path,
                "/actuator/health/%2e%2e/%2e%2e" + path,
                "/actuator/health;" + path,
                "/v3/api-docs/.." + path,
                "/swagger-ui/..%2F.." + path,
                "/swagger-ui.html/.." + path,
                "/console/.." + path,
                "/console/%2e%2e" + path,
                "/console;" + path,
                "/console" + path,
                "/;" + path,
                "/" + first.toUpperCase() + rest,
                path + "%20"));
        return variants;
    }

    @Test
    void noSpellingOfAProtectedPathIsServedWithoutAKeyAndNoneButTheCanonicalOneWithIt() throws Exception {
        Set<String> endpoints = protectedEndpoints();
        assertThat(endpoints).as("the handler mappings were read").contains("GET /actuator/prometheus", "GET /v1/audit/export",
                "POST /v1/admin/replay", "GET /v1/api-keys/{keyId}", "DELETE /v1/api-keys/{id}", "POST /v1/executions");
        List<String> failures = new ArrayList<>();
        int requests = 0;
        for (String endpoint : endpoints) {
            String method = endpoint.substring(0, endpoint.indexOf(' '));
            String path = endpoint.substring(endpoint.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "x1");
            String requestBody = method.equals("GET") || method.equals("DELETE") ? null : "{}";
            for (String spelling : spellings(path)) {
                // Tomcat rejects a backslash in the request line before reading anything and closes the
                // connection; a body still unread then turns its answer into a reset.
                String body = spelling.contains("\\") ? null : requestBody;
                for (String target : List.of(system.baseUrl(), system.commandSideUrl(), system.querySideUrl())) {
                    RawHttp.Response anonymous;
                    try {
                        anonymous = RawHttp.send(target, method, spelling, Map.of(), body);
                    } catch (IOException e) {
                        failures.add("no answer: " + method + " " + target + spelling + ": " + e);
                        continue;
                    } finally {
                        requests++;
                    }
                    if (!Set.of(400, 401, 404).contains(anonymous.status()) || !answeredByTheApi(anonymous)) {
                        failures.add("no key: " + method + " " + target + spelling + " -> " + anonymous.status());
                    }
                    if (anonymous.status() == 401 && !"Bearer".equals(anonymous.header("WWW-Authenticate"))) {
                        failures.add("no WWW-Authenticate: " + method + " " + target + spelling);
                    }
                }
                RawHttp.Response admin;
                try {
                    admin = RawHttp.send(system.baseUrl(), method, spelling,
                            Map.of("Authorization", "Bearer " + system.adminKey()), body);
                } catch (IOException e) {
                    failures.add("no answer: " + method + " " + spelling + " with a key: " + e);
                    continue;
                } finally {
                    requests++;
                }
                if (!Set.of(400, 404).contains(admin.status()) || !answeredByTheApi(admin)) {
                    failures.add("admin key: " + method + " " + spelling + " -> " + admin.status() + " " + admin.body());
                }
            }
        }
        System.out.printf("FrontDoorTest: %d protected endpoints, %d requests%n", endpoints.size(), requests);
        assertThat(requests).isGreaterThan(1000);
        assertThat(failures).isEmpty();
    }

    /**
     * The inventory in docs/security.md is the one this test renders from the handler mappings; when
     * an endpoint is added, moved or changes its scope, this fails until the document says so
     * (run it with {@code -Dopsplane.inventory.update=true} to rewrite the table).
     */
    @Test
    void theSecurityDocumentsEndpointInventoryIsTheRoutedOne() throws IOException {
        StringBuilder table = new StringBuilder(INVENTORY_START).append('\n')
                .append("| method | path | side | access |\n| --- | --- | --- | --- |\n");
        for (Endpoints.Endpoint endpoint : endpoints()) {
            table.append("| `").append(endpoint.method()).append("` | `").append(endpoint.pattern()).append("` | ")
                    .append(endpoint.side()).append(" | ").append(endpoint.access()).append(" |\n");
        }
        String expected = table.append(INVENTORY_END).toString();
        String document = Files.readString(SECURITY_DOC);
        int start = document.indexOf(INVENTORY_START);
        int end = document.indexOf(INVENTORY_END);
        assertThat(start).as("docs/security.md has an endpoint inventory block").isNotNegative();
        String actual = document.substring(start, end + INVENTORY_END.length());
        if (!actual.equals(expected) && Boolean.getBoolean("opsplane.inventory.update")) {
            Files.writeString(SECURITY_DOC, document.substring(0, start) + expected
                    + document.substring(end + INVENTORY_END.length()));
            return;
        }
        assertThat(actual).as("docs/security.md's endpoint inventory (rerun with -Dopsplane.inventory.update=true)")
                .isEqualTo(expected);
        assertThat(endpoints()).as("no endpoint is refused for lack of a declared scope")
                .noneMatch(e -> e.access().startsWith("refused"));
    }

    @Test
    void thePublicListIsExactAndEverythingElseNeedsAKey() throws Exception {
        for (String open : List.of("/actuator/health", "/actuator/health/liveness", "/v3/api-docs", "/", "/console/app.js")) {
            assertThat(RawHttp.send(system.baseUrl(), "GET", open, Map.of(), null).status()).as(open).isEqualTo(200);
        }
        for (String closed : Stream.of("/actuator/healthz", "/actuator/prometheus", "/v3/api-docsx", "/nowhere",
                "/v1", "/error", "/swagger-uix/index.html", "/consolex", "/consolex/app.js").toList()) {
            RawHttp.Response response = RawHttp.send(system.baseUrl(), "GET", closed, Map.of(), null);
            assertThat(response.status()).as(closed).isEqualTo(401);
            assertThat(response.body()).as(closed).contains("\"code\":\"unauthenticated\"");
        }
    }

    @Test
    void operationalEndpointsNeedTheMetricsScope() throws Exception {
        String auditor = system.issueKey("{\"name\":\"auditor\",\"principal\":\"audit@example.com\",\"kind\":\"human\","
                + "\"scopes\":[\"logs:read\"]}").path("key").asText();
        String monitor = system.issueKey("{\"name\":\"monitor\",\"principal\":\"prometheus@example.com\",\"kind\":\"agent\","
                + "\"owner\":\"ops@example.com\",\"scopes\":[\"metrics:read\"]}").path("key").asText();
        RawHttp.Response refused = RawHttp.send(system.querySideUrl(), "GET", "/actuator/prometheus",
                Map.of("Authorization", "Bearer " + auditor), null);
        RawHttp.Response scraped = RawHttp.send(system.querySideUrl(), "GET", "/actuator/prometheus",
                Map.of("Authorization", "Bearer " + monitor), null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(scraped.status()).isEqualTo(200);
        assertThat(scraped.body()).contains("jvm_");
    }

    @Test
    void aBodyIsNotReadBeforeTheKeyIsChecked() throws Exception {
        String large = "{\"tool\":\"service.healthcheck\",\"input\":{\"pad\":\"" + "x".repeat(1_200_000) + "\"}}";
        RawHttp.Response response = RawHttp.send(system.baseUrl(), "POST", "/v1;x/executions", Map.of(), large);
        assertThat(response.status()).isEqualTo(400);
        RawHttp.Response unauthenticated = RawHttp.send(system.commandSideUrl(), "POST", "/v1/executions", Map.of(), large);
        assertThat(unauthenticated.status()).isEqualTo(401);
    }

    /**
     * Every answer is problem+json, also a 400 or 404 of the servlet container or of the local base URL's
     * server, which refuse some spellings (an encoded slash, invalid UTF-8, a path no context matches) before
     * any filter runs: their error report valves answer as the applications do (issue 12).
     */
    private static boolean answeredByTheApi(RawHttp.Response response) {
        String type = response.header("Content-Type");
        return type != null && type.startsWith("application/problem+json");
    }
}
