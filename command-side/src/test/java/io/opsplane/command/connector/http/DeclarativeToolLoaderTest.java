package io.opsplane.command.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.opsplane.api.apikey.Scope;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.tool.ApprovalPolicy;
import io.opsplane.api.tool.ComparisonOp;
import io.opsplane.api.tool.RiskLevel;
import io.opsplane.command.tool.InMemorySteps;
import io.opsplane.command.tool.InputValidator;
import io.opsplane.command.tool.ToolDescriptor;
import io.opsplane.command.tool.ToolFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Declarative HTTP tools: loading the operator's file, reporting its mistakes by line, and running them. */
class DeclarativeToolLoaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> ENVIRONMENT = Map.of("APP_ADMIN_TOKEN", "s3cr3t-admin-token");

    @TempDir
    Path dir;
    private WireMockServer app;
    private final DeclarativeToolLoader loader = new DeclarativeToolLoader(new InputValidator(), ENVIRONMENT::get);

    @BeforeEach
    void start() {
        app = new WireMockServer(options().dynamicPort());
        app.start();
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private Path file(String yaml) throws Exception {
        return Files.writeString(dir.resolve("tools.yml"), yaml);
    }

    private String validFile() {
        return """
                tools:
                  - name: app.credits.grant
                    version: 2.1.0
                    description: Grants credits to a tenant of our application
                    riskLevel: medium
                    idempotent: true
                    timeout: PT5S
                    approval:
                      rules:
                        - {field: /credits, op: gt, value: 1000, minApprovals: 1}
                    inputSchema:
                      type: object
                      additionalProperties: false
                      required: [tenant, credits]
                      properties:
                        tenant: {type: string, pattern: "^[a-z0-9-]+$"}
                        credits: {type: integer, minimum: 1}
                        note: {type: string}
                        customerToken: {type: string, writeOnly: true}
                    secretFields: [/customerToken]
                    request:
                      method: POST
                      url: "%1$s/admin/tenants/{{input.tenant}}/credits"
                      headers: {X-Request-Source: opsplane}
                      secretHeaders:
                        Authorization: {env: APP_ADMIN_TOKEN, prefix: "Bearer "}
                      body: {credits: "{{input.credits}}", note: "granted via {{executionId}}", token: "{{input.customerToken}}"}
                      expectStatus: [200, 201]
                    dryRun:
                      method: GET
                      url: "%1$s/admin/tenants/{{input.tenant}}/credits"
                      secretHeaders:
                        Authorization: {env: APP_ADMIN_TOKEN, prefix: "Bearer "}
                """.formatted(app.baseUrl());
    }

    @Test
    void loadsADeclaredToolWithItsDescriptor() throws Exception {
        List<DeclarativeHttpTool> tools = loader.load(file(validFile()), Set.of("service.healthcheck"));

        assertThat(tools).hasSize(1);
        DeclarativeHttpTool tool = tools.get(0);
        assertThat(tool.descriptor().name()).isEqualTo("app.credits.grant");
        assertThat(tool.descriptor().version()).isEqualTo("2.1.0");
        assertThat(tool.descriptor().riskLevel()).isEqualTo(RiskLevel.MEDIUM);
        assertThat(tool.descriptor().idempotent()).isTrue();
        assertThat(tool.descriptor().timeout()).hasSeconds(5);
        assertThat(tool.descriptor().secretFields()).containsExactly("/customerToken");
        assertThat(tool.descriptor().approval().rules()).singleElement()
                .satisfies(rule -> assertThat(rule.op()).isEqualTo(ComparisonOp.GT));
        assertThat(tool.unavailableReason()).isEmpty();
    }

    @Test
    void runsTheRequestBuiltFromTheInputWithSecretHeadersAndTheStepKey() throws Exception {
        app.stubFor(post(urlEqualTo("/admin/tenants/acme/credits")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"balance\": 1500}")));
        DeclarativeHttpTool tool = loader.load(file(validFile()), Set.of()).get(0);

        Map<String, Object> output = tool.run(JSON.readTree(
                "{\"tenant\": \"acme\", \"credits\": 500, \"customerToken\": \"tok_live\"}"),
                InMemorySteps.context("ex_9", new InMemorySteps()));

        assertThat(output).containsEntry("statusCode", 201);
        assertThat(((JsonNode) output.get("body")).path("balance").asInt()).isEqualTo(1500);
        app.verify(1, postRequestedFor(urlEqualTo("/admin/tenants/acme/credits"))
                .withHeader("Authorization", equalTo("Bearer s3cr3t-admin-token"))
                .withHeader("X-Request-Source", equalTo("opsplane"))
                .withHeader("Idempotency-Key", equalTo("opsplane-ex_9:request"))
                .withRequestBody(equalToJson("{\"credits\": 500, \"note\": \"granted via ex_9\", \"token\": \"tok_live\"}")));
    }

    @Test
    void anUnexpectedStatusFailsTheExecution() throws Exception {
        app.stubFor(post(urlEqualTo("/admin/tenants/acme/credits")).willReturn(aResponse().withStatus(409)));
        DeclarativeHttpTool tool = loader.load(file(validFile()), Set.of()).get(0);

        assertThatThrownBy(() -> tool.run(JSON.readTree("{\"tenant\": \"acme\", \"credits\": 5}"),
                InMemorySteps.context("ex_10", new InMemorySteps())))
                .isInstanceOfSatisfying(ToolFailure.class, f -> {
                    assertThat(f.code()).isEqualTo("unexpected_status");
                    assertThat(f.getMessage()).contains("HTTP 409");
                });
    }

    @Test
    void plansWithTheDryRunRequestAndShowsNoSecretInput() throws Exception {
        app.stubFor(get(urlEqualTo("/admin/tenants/acme/credits")).willReturn(okJson("{\"balance\": 1000}")));
        DeclarativeHttpTool tool = loader.load(file(validFile()), Set.of()).get(0);

        List<Effect> plan = tool.plan(JSON.readTree("{\"tenant\": \"acme\", \"credits\": 500, \"customerToken\": \"tok_live\"}"));

        assertThat(plan).singleElement().satisfies(effect -> {
            assertThat(effect.action()).isEqualTo("http.post");
            assertThat(effect.target()).endsWith("/admin/tenants/acme/credits");
            assertThat(JSON.writeValueAsString(effect)).doesNotContain("tok_live").doesNotContain("s3cr3t")
                    .contains("\"balance\":1000");
        });
        app.verify(1, getRequestedFor(urlEqualTo("/admin/tenants/acme/credits"))
                .withHeader("Authorization", equalTo("Bearer s3cr3t-admin-token")));
        app.verify(0, postRequestedFor(urlEqualTo("/admin/tenants/acme/credits")));
    }

    @Test
    void aMissingSecretHeaderVariableMakesTheToolUnavailable() throws Exception {
        DeclarativeHttpTool tool = new DeclarativeToolLoader(new InputValidator(), name -> null)
                .load(file(validFile()), Set.of()).get(0);

        assertThat(tool.unavailableReason()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("APP_ADMIN_TOKEN").contains("tools.yml:2:"));
    }

    @Test
    void reportsEveryMistakeWithItsFileLineAndField() throws Exception {
        Path tools = file("""
                tools:
                  - name: app.cache.flush
                    description: Flushes a cache
                    riskLevel: severe
                    inputSchema: {type: object, properties: {token: {type: string}}}
                    secretFields: [/token]
                    request:
                      method: POST
                      url: "https://{{input.host}}/flush"
                  - name: service.healthcheck
                    description: Clashes with a built-in
                    riskLevel: low
                    inputSchema: {type: object}
                    request: {method: GET, url: "https://app.internal/ok"}
                """);

        assertThatThrownBy(() -> loader.load(tools, Set.of("service.healthcheck")))
                .isInstanceOfSatisfying(ToolsFileException.class, e -> assertThat(e.problems()).containsExactly(
                        tools + ":4:5: /tools/0/riskLevel: does not have a value in the enumeration [\"low\", \"medium\", \"high\", \"critical\"]"));

        Path meaning = file("""
                tools:
                  - name: app.cache.flush
                    description: Flushes a cache
                    riskLevel: low
                    inputSchema: {type: object, properties: {token: {type: string}}}
                    secretFields: [/token]
                    request:
                      method: POST
                      url: "https://{{input.host}}/flush"
                  - name: service.healthcheck
                    description: Clashes with a built-in
                    riskLevel: low
                    inputSchema: {type: object}
                    request: {method: GET, url: "https://app.internal/ok", headers: {X-Id: "{{nonsense}}"}}
                """);

        assertThatThrownBy(() -> loader.load(meaning, Set.of("service.healthcheck")))
                .isInstanceOfSatisfying(ToolsFileException.class, e -> assertThat(e.problems()).containsExactly(
                        meaning + ":6:20: /tools/0/secretFields/0: '/token' must carry \"writeOnly\": true in inputSchema",
                        meaning + ":9:7: /tools/0/request/url: the scheme and host must be fixed; placeholders are allowed only in the path and query",
                        meaning + ":10:5: /tools/1/name: 'service.healthcheck' is a built-in tool's name",
                        meaning + ":14:70: /tools/1/request/headers/X-Id: unknown placeholder {{nonsense}}"))
                .hasMessageContaining("nothing from it was loaded");
    }

    @Test
    void aToolThatSaysLittleGetsTheDocumentedDefaults() throws Exception {
        List<DeclarativeHttpTool> tools = loader.load(file("""
                tools:
                  - name: app.ping
                    description: Pings the app
                    riskLevel: low
                    inputSchema: {type: object}
                    request: {method: GET, url: "https://app.internal/ping"}
                """), Set.of());

        ToolDescriptor descriptor = tools.get(0).descriptor();
        assertThat(descriptor.version()).isEqualTo("1.0.0");
        assertThat(descriptor.requiredScope()).isEqualTo(Scope.TOOLS_EXECUTE);
        assertThat(descriptor.timeout()).hasSeconds(30);
        assertThat(descriptor.approval()).isEqualTo(ApprovalPolicy.none());
        assertThat(descriptor.secretFields()).isEmpty();
        assertThat(descriptor.supportsPlan()).isTrue();
        assertThat(descriptor.idempotent()).isFalse();
        assertThat(descriptor.readOnly()).isFalse();
        assertThat(descriptor.destructive()).isFalse();
        assertThat(descriptor.outputSchema().path("required").get(0).asText()).isEqualTo("statusCode");
    }

    @Test
    void aGetRequestMayNotCarryEvenAnExplicitlyNullBody() throws Exception {
        Path nullBody = file("""
                tools:
                  - name: app.ping
                    description: Pings the app
                    riskLevel: low
                    inputSchema: {type: object}
                    request: {method: GET, url: "https://app.internal/ping", body: null}
                """);

        assertThatThrownBy(() -> loader.load(nullBody, Set.of()))
                .isInstanceOfSatisfying(ToolsFileException.class, e -> assertThat(e.problems()).containsExactly(
                        nullBody + ":6:62: /tools/0/request/body: a GET request has no body"));
    }

    @Test
    void theOpsplanePrefixIsReservedForOpsplanesOwnTools() throws Exception {
        Path reserved = file("""
                tools:
                  - name: opsplane.plan
                    description: Would shadow the MCP planning tool
                    riskLevel: low
                    inputSchema: {type: object}
                    request: {method: GET, url: "https://app.internal/ok"}
                """);

        assertThatThrownBy(() -> loader.load(reserved, Set.of()))
                .isInstanceOfSatisfying(ToolsFileException.class, e -> assertThat(e.problems()).containsExactly(
                        reserved + ":2:5: /tools/0/name: 'opsplane.plan' uses the prefix 'opsplane.', which Opsplane"
                                + " keeps for its own MCP tools"));
    }

    @Test
    void aYamlSyntaxErrorNamesItsLine() throws Exception {
        Path broken = file("""
                tools:
                  - name: app.x
                    description: [unclosed
                """);

        assertThatThrownBy(() -> loader.load(broken, Set.of()))
                .isInstanceOfSatisfying(ToolsFileException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith(broken + ":3:27: not valid YAML").contains("expected ',' or ']'"));
    }

    @Test
    void aMissingFileIsReportedByName() {
        Path missing = dir.resolve("nope.yml");

        assertThatThrownBy(() -> loader.load(missing, Set.of()))
                .isInstanceOfSatisfying(ToolsFileException.class, e -> assertThat(e.problems())
                        .containsExactly(missing + ": the file does not exist"));
    }
}
