package io.opsplane.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsplane.platform.auth.ApiKeySecrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint against every kind of caller, through the single base URL with both sides
 * serving: the status each gets is exactly the contract's. Also how fast a revocation reaches both sides.
 */
class AuthorizationMatrixTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The callers of the matrix, in the order each row is tried (admin last: it may change state). */
    enum Caller { NO_KEY, UNKNOWN_KEY, REVOKED_KEY, EXPIRED_KEY, LACKS_SCOPE, OUTSIDE_TOOL_PATTERNS, ADMIN }

    @TempDir
    static Path dataDir;

    private static RunningSystem system;
    private static final Map<Caller, String> keys = new EnumMap<>(Caller.class);
    private static String failedExecutionId;
    private static String victimKeyId;
    /** Approval requests by another principal: one per decision, so each row finds its own pending or approved request. */
    private static final Map<String, String> approvalRequests = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        system = RunningSystem.start(dataDir);
        keys.put(Caller.ADMIN, system.adminKey());
        keys.put(Caller.UNKNOWN_KEY, ApiKeySecrets.generate());
        keys.put(Caller.LACKS_SCOPE, system.issueKey(key("metrics", "[\"metrics:read\"]", "")).path("key").asText());
        keys.put(Caller.OUTSIDE_TOOL_PATTERNS, system.issueKey(key("billing-agent",
                "[\"tools:read\",\"tools:plan\",\"tools:execute\",\"logs:read\",\"metrics:read\","
                        + "\"approvals:request\",\"approvals:approve\"]", ",\"tools\":[\"billing.*\"]"))
                .path("key").asText());
        JsonNode revoked = system.issueKey(key("revoked", "[\"logs:read\",\"tools:execute\"]", ""));
        assertThat(system.delete("/v1/api-keys/" + revoked.path("id").asText(), system.adminKey()).statusCode())
                .isEqualTo(204);
        keys.put(Caller.REVOKED_KEY, revoked.path("key").asText());
        JsonNode expiring = system.issueKey(key("expiring", "[\"logs:read\",\"tools:execute\"]",
                ",\"expiresAt\":\"" + Instant.now().plusSeconds(2) + "\""));
        keys.put(Caller.EXPIRED_KEY, expiring.path("key").asText());
        victimKeyId = system.issueKey(key("victim", "[\"logs:read\"]", "")).path("id").asText();

        HttpResponse<String> failed = system.post("/v1/executions", system.adminKey(),
                "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"http://127.0.0.1:1/\"}}");
        JsonNode execution = JSON.readTree(failed.body());
        assertThat(execution.path("status").asText()).as(failed.body()).isEqualTo("failed");
        failedExecutionId = execution.path("executionId").asText();

        String requester = system.issueKey(key("requester", "[\"approvals:request\"]", "")).path("key").asText();
        String approver = system.issueKey(key("approver", "[\"approvals:approve\"]", "")).path("key").asText();
        for (String name : List.of("{toApprove}", "{toReject}", "{toCancel}", "{toExecute}")) {
            HttpResponse<String> created = system.post("/v1/approval-requests", requester, APPROVAL_BODY);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            approvalRequests.put(name, JSON.readTree(created.body()).path("id").asText());
        }
        HttpResponse<String> approved = system.post("/v1/approval-requests/" + approvalRequests.get("{toExecute}")
                + "/approve", approver, "{}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        approvalRequests.put("{position}", JSON.readTree(approved.body()).path("position").asText());

        awaitUnauthenticated(keys.get(Caller.REVOKED_KEY), Duration.ofSeconds(10));
        awaitUnauthenticated(keys.get(Caller.EXPIRED_KEY), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    private static String key(String name, String scopes, String extra) {
        return "{\"name\":\"" + name + "\",\"principal\":\"" + name + "@example.com\",\"kind\":\"human\",\"scopes\":"
                + scopes + extra + "}";
    }

    /** One endpoint and what each caller must get. */
    record Row(String method, String path, String body, Map<Caller, Integer> expected) {

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** 401 for every caller without a valid key, then the three authenticated answers. */
    private static Row row(String method, String path, String body, int lacksScope, int outsidePatterns, int admin) {
        Map<Caller, Integer> expected = new LinkedHashMap<>();
        expected.put(Caller.NO_KEY, 401);
        expected.put(Caller.UNKNOWN_KEY, 401);
        expected.put(Caller.REVOKED_KEY, 401);
        expected.put(Caller.EXPIRED_KEY, 401);
        expected.put(Caller.LACKS_SCOPE, lacksScope);
        expected.put(Caller.OUTSIDE_TOOL_PATTERNS, outsidePatterns);
        expected.put(Caller.ADMIN, admin);
        return new Row(method, path, body, expected);
    }

    private static final String APPROVAL_BODY =
            "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"http://127.0.0.1:1/\"},\"reason\":\"check\"}";

    static Stream<Row> endpoints() {
        String healthcheck = "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"http://127.0.0.1:1/\"}";
        return Stream.of(
                row("POST", "/v1/executions", healthcheck + ",\"mode\":\"plan\"}", 403, 403, 200),
                row("POST", "/v1/executions", healthcheck + "}", 403, 403, 200),
                row("POST", "/v1/executions/{failed}/retry", "", 403, 403, 200),
                row("GET", "/v1/executions", null, 403, 200, 200),
                // A key limited to other tools reads an execution or a request of this tool as if it did not exist.
                row("GET", "/v1/executions/{failed}", null, 403, 404, 200),
                row("GET", "/v1/events", null, 403, 200, 200),
                row("GET", "/v1/tools", null, 403, 200, 200),
                row("GET", "/v1/tools/service.healthcheck", null, 403, 200, 200),
                row("GET", "/v1/api-keys", null, 403, 403, 200),
                row("GET", "/v1/api-keys/{victim}", null, 403, 403, 200),
                row("POST", "/v1/api-keys", key("new", "[\"logs:read\"]", ""), 403, 403, 201),
                row("DELETE", "/v1/api-keys/{victim}", null, 403, 403, 204),
                row("POST", "/v1/approval-requests", APPROVAL_BODY, 403, 403, 201),
                row("GET", "/v1/approval-requests?minPosition={position}", null, 403, 200, 200),
                row("GET", "/v1/approval-requests/{toExecute}?minPosition={position}", null, 403, 404, 200),
                row("POST", "/v1/approval-requests/{toApprove}/approve", "{}", 403, 403, 200),
                row("POST", "/v1/approval-requests/{toReject}/reject", "{\"reason\":\"no\"}", 403, 403, 200),
                row("POST", "/v1/approval-requests/{toCancel}/cancel", "{}", 403, 403, 200),
                row("POST", "/v1/approval-requests/{toExecute}/execute",
                        "{\"input\":{\"url\":\"http://127.0.0.1:1/\"}}", 403, 403, 200));
    }

    private static String withApprovalRequests(String path) {
        String resolved = path;
        for (Map.Entry<String, String> request : approvalRequests.entrySet()) {
            resolved = resolved.replace(request.getKey(), request.getValue());
        }
        return resolved;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void everyCallerGetsTheContractsAnswer(Row row) throws Exception {
        String path = withApprovalRequests(row.path().replace("{failed}", failedExecutionId)
                .replace("{victim}", victimKeyId));
        Map<Caller, Integer> actual = new LinkedHashMap<>();
        Map<Caller, String> codes = new LinkedHashMap<>();
        for (Caller caller : row.expected().keySet()) {
            HttpResponse<String> response = send(row.method(), path, keys.get(caller), row.body());
            actual.put(caller, response.statusCode());
            if (response.statusCode() >= 400) {
                codes.put(caller, JSON.readTree(response.body()).path("code").asText());
            }
        }
        assertThat(actual).as("%s %s, codes %s", row.method(), path, codes).isEqualTo(row.expected());
        codes.forEach((caller, code) -> assertThat(code).as("%s for %s", path, caller).isEqualTo(switch (actual.get(caller)) {
            case 401 -> "unauthenticated";
            case 404 -> path.startsWith("/v1/executions") ? "execution_not_found" : "approval_request_not_found";
            default -> "forbidden";
        }));
    }

    @Test
    void aRevocationReachesBothSidesWithinASecond() throws Exception {
        JsonNode issued = system.issueKey(key("soon-revoked", "[\"logs:read\",\"tools:execute\"]", ""));
        String key = issued.path("key").asText();
        Instant revokedAt = Instant.now();
        assertThat(system.delete("/v1/api-keys/" + issued.path("id").asText(), system.adminKey()).statusCode())
                .isEqualTo(204);
        Duration querySide = null;
        Duration commandSide = null;
        Instant deadline = revokedAt.plusSeconds(10);
        while ((querySide == null || commandSide == null) && Instant.now().isBefore(deadline)) {
            if (querySide == null && system.get("/v1/executions?limit=1", key).statusCode() == 401) {
                querySide = Duration.between(revokedAt, Instant.now());
            }
            if (commandSide == null && system.post("/v1/executions", key, "{}").statusCode() == 401) {
                commandSide = Duration.between(revokedAt, Instant.now());
            }
            Thread.sleep(10);
        }
        System.out.printf("Revocation seen as 401 after %s ms on the query side, %s ms on the command side%n",
                querySide == null ? "-" : querySide.toMillis(), commandSide == null ? "-" : commandSide.toMillis());
        assertThat(querySide).as("query side refuses the revoked key").isNotNull();
        assertThat(commandSide).as("command side refuses the revoked key").isNotNull();
        // The key listing is a read model, eventually consistent: it shows the key once projected.
        HttpResponse<String> listed = system.get("/v1/api-keys/" + issued.path("id").asText(), system.adminKey());
        Instant listedBy = Instant.now().plusSeconds(20);
        while (listed.statusCode() == 404 && Instant.now().isBefore(listedBy)) {
            Thread.sleep(20);
            listed = system.get("/v1/api-keys/" + issued.path("id").asText(), system.adminKey());
        }
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        assertThat(JSON.readTree(listed.body()).path("status").asText()).isIn("active", "revoked");
    }

    private static HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(system.baseUrl() + path))
                .timeout(Duration.ofSeconds(70));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitUnauthenticated(String key, Duration within) throws Exception {
        Instant deadline = Instant.now().plus(within);
        while (Instant.now().isBefore(deadline)) {
            if (system.get("/v1/executions?limit=1", key).statusCode() == 401
                    && system.post("/v1/executions", key, "{}").statusCode() == 401) {
                return;
            }
            Thread.sleep(25);
        }
        throw new IllegalStateException("the key was still accepted after " + within);
    }
}
