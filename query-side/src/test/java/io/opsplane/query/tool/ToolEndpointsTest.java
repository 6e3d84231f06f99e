package io.opsplane.query.tool;

import io.opsplane.api.tool.ApprovalPolicy;
import io.opsplane.api.tool.ApprovalRule;
import io.opsplane.api.tool.CatalogPublishedEvent;
import io.opsplane.api.tool.ComparisonOp;
import io.opsplane.api.tool.RiskLevel;
import io.opsplane.api.tool.ToolAnnotations;
import io.opsplane.api.tool.ToolSpec;
import io.opsplane.query.support.QuerySideUnderTest;
import io.opsplane.query.support.QuerySideUnderTest.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The registry endpoints, projected from {@code catalog.published} events, over HTTP. */
class ToolEndpointsTest {

    private static final ToolSpec HEALTHCHECK = new ToolSpec("service.healthcheck", "1.0.0", "GETs a URL",
            RiskLevel.LOW, "tools:execute",
            Map.of("$schema", "https://json-schema.org/draft/2020-12/schema", "type", "object",
                    "properties", Map.of("bearerToken", Map.of("type", "string", "writeOnly", true))),
            Map.of("type", "object"), true, true, new ToolAnnotations(true, false),
            ApprovalPolicy.none().withDefaultExpiry("PT24H"), List.of("/bearerToken"), true, null, 35_000, "sha256:h");
    private static final ToolSpec REFUND = new ToolSpec("billing.refund", "1.0.0", "Refunds a charge",
            RiskLevel.HIGH, "tools:execute", Map.of("type", "object"), Map.of("type", "object"), true, true,
            new ToolAnnotations(false, true), new ApprovalPolicy(false, 0, List.of(
            new ApprovalRule("/amount", ComparisonOp.GT, 50_000, 1),
            new ApprovalRule("/amount", ComparisonOp.GT, 500_000, 2)), "PT24H"),
            List.of(), false, "Stripe is not configured (OPSPLANE_CONNECTORS_STRIPE_API_KEY)", 30_000, "sha256:r");

    private QuerySideUnderTest app;
    private String reader;

    @BeforeEach
    void start() {
        app = QuerySideUnderTest.start("opsplane.query.min-position-max-wait=3s");
        reader = app.issueKey("agent@example.com", "tools:read");
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private long publish(ToolSpec... tools) {
        return app.append("Catalog", "catalog", Instant.now(),
                new CatalogPublishedEvent("catalog", "sha256:" + tools.length, List.of(tools)));
    }

    @Test
    void listsEveryPublishedToolWithItsFullDescriptor() {
        long position = publish(REFUND, HEALTHCHECK);

        Response response = app.get("/v1/tools?minPosition=" + position, reader);

        assertThat(response.status()).isEqualTo(200);
        JsonNode tools = response.body().path("tools");
        assertThat(tools).hasSize(2);
        assertThat(tools.get(0).path("name").asString()).isEqualTo("billing.refund");
        JsonNode refund = tools.get(0);
        assertThat(refund.path("riskLevel").asString()).isEqualTo("high");
        assertThat(refund.path("requiredScope").asString()).isEqualTo("tools:execute");
        assertThat(refund.path("annotations").path("destructive").asBoolean()).isTrue();
        assertThat(refund.path("approval").path("rules").get(1).path("op").asString()).isEqualTo("gt");
        assertThat(refund.path("approval").path("rules").get(1).path("value").asInt()).isEqualTo(500_000);
        assertThat(refund.path("approval").path("rules").get(1).path("minApprovals").asInt()).isEqualTo(2);
        assertThat(refund.path("approval").path("expiresAfter").asString()).isEqualTo("PT24H");
        assertThat(refund.path("available").asBoolean()).isFalse();
        assertThat(refund.path("unavailableReason").asString()).contains("OPSPLANE_CONNECTORS_STRIPE_API_KEY");
        JsonNode healthcheck = tools.get(1);
        assertThat(healthcheck.path("inputSchema").path("$schema").asString()).contains("2020-12");
        assertThat(healthcheck.path("secretFields").get(0).asString()).isEqualTo("/bearerToken");
        assertThat(healthcheck.path("supportsPlan").asBoolean()).isTrue();
        assertThat(healthcheck.path("idempotent").asBoolean()).isTrue();
        assertThat(healthcheck.path("available").asBoolean()).isTrue();
    }

    @Test
    void answersOneToolByNameOrToolNotFound() {
        long position = publish(HEALTHCHECK);

        Response found = app.get("/v1/tools/service.healthcheck?minPosition=" + position, reader);
        Response missing = app.get("/v1/tools/billing.nothing", reader);

        assertThat(found.status()).isEqualTo(200);
        assertThat(found.body().path("version").asString()).isEqualTo("1.0.0");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("tool_not_found");
    }

    @Test
    void aLaterCatalogueReplacesTheEarlierOne() {
        publish(REFUND, HEALTHCHECK);
        long position = publish(HEALTHCHECK);

        Response response = app.get("/v1/tools?minPosition=" + position, reader);

        assertThat(response.body().path("tools")).hasSize(1);
        assertThat(app.get("/v1/tools/billing.refund", reader).status()).isEqualTo(404);
    }

    @Test
    void needsTheToolsReadScope() {
        String auditor = app.issueKey("auditor@example.com", "logs:read");

        assertThat(app.get("/v1/tools", auditor).status()).isEqualTo(403);
        assertThat(app.get("/v1/tools", null).status()).isEqualTo(401);
    }
}
