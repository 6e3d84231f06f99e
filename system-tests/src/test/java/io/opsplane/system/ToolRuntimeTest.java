package io.opsplane.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tool registry through the single base URL: discovered from the query side's projection of
 * {@code catalog.published}, planned and executed on the command side, with connectors that have
 * no credentials (none are configured here).
 */
class ToolRuntimeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RunningSystem system = RunningSystem.perClass();
    private static HealthTarget target;

    @BeforeAll
    static void start() throws Exception {
        target = HealthTarget.start();
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    private static JsonNode tools() throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            HttpResponse<String> response = system.get("/v1/tools", system.adminKey());
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode tools = JSON.readTree(response.body()).path("tools");
            if (!tools.isEmpty() || System.nanoTime() > deadline) {
                return tools;
            }
            Thread.sleep(50);
        }
    }

    @Test
    void agentsDiscoverTheWholeCatalogueWithSchemasPoliciesAndAvailability() throws Exception {
        JsonNode tools = tools();

        List<String> names = new ArrayList<>();
        tools.forEach(tool -> names.add(tool.path("name").asText()));
        assertThat(names).containsExactly("billing.customer.create", "billing.refund", "billing.subscription.cancel",
                "calendar.event.create", "email.send", "service.healthcheck", "tenant.onboard");

        JsonNode refund = JSON.readTree(system.get("/v1/tools/billing.refund", system.adminKey()).body());
        assertThat(refund.path("riskLevel").asText()).isEqualTo("high");
        assertThat(refund.path("approval").path("rules")).hasSize(2);
        assertThat(refund.path("approval").path("rules").get(0).path("minApprovals").asInt()).isEqualTo(1);
        assertThat(refund.path("approval").path("rules").get(1).path("minApprovals").asInt()).isEqualTo(2);
        assertThat(refund.path("approval").path("expiresAfter").asText()).isEqualTo("PT24H");
        assertThat(refund.path("available").asBoolean()).isFalse();
        assertThat(refund.path("unavailableReason").asText()).contains("OPSPLANE_CONNECTORS_STRIPE_API_KEY");

        JsonNode healthcheck = JSON.readTree(system.get("/v1/tools/service.healthcheck", system.adminKey()).body());
        assertThat(healthcheck.path("available").asBoolean()).isTrue();
        assertThat(healthcheck.path("secretFields").get(0).asText()).isEqualTo("/bearerToken");
        assertThat(healthcheck.path("inputSchema").path("properties").path("bearerToken").path("writeOnly").asBoolean())
                .isTrue();
        assertThat(healthcheck.path("annotations").path("readOnly").asBoolean()).isTrue();

        JsonNode onboard = JSON.readTree(system.get("/v1/tools/tenant.onboard", system.adminKey()).body());
        assertThat(onboard.path("unavailableReason").asText()).contains("STRIPE", "RESEND", "GOOGLE_CALENDAR");

        HttpResponse<String> missing = system.get("/v1/tools/billing.nothing", system.adminKey());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).path("code").asText()).isEqualTo("tool_not_found");
    }

    @Test
    void aToolWithoutCredentialsPlansButDoesNotExecute() throws Exception {
        String input = "{\"tenantId\":\"initech\",\"companyName\":\"Initech\",\"adminEmail\":\"bill@initech.test\","
                + "\"priceId\":\"price_Basic\"}";

        HttpResponse<String> plan = system.post("/v1/executions", system.adminKey(),
                "{\"tool\":\"tenant.onboard\",\"mode\":\"plan\",\"input\":" + input + "}");
        HttpResponse<String> execute = system.post("/v1/executions", system.adminKey(),
                "{\"tool\":\"tenant.onboard\",\"input\":" + input + "}");

        assertThat(plan.statusCode()).isEqualTo(200);
        JsonNode planned = JSON.readTree(plan.body());
        assertThat(planned.path("status").asText()).isEqualTo("planned");
        assertThat(planned.path("plan").path("effects")).hasSize(4);
        assertThat(planned.path("plan").path("digest").asText()).startsWith("sha256:");
        assertThat(execute.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(execute.body()).path("code").asText()).isEqualTo("connector_unavailable");
    }

    @Test
    void everyExecutionRecordsTheToolVersionAndSchemaDigestItRanWith() throws Exception {
        JsonNode registered = JSON.readTree(system.get("/v1/tools/service.healthcheck", system.adminKey()).body());
        JsonNode execution = JSON.readTree(system.post("/v1/executions", system.adminKey(),
                "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"" + target.okUrl() + "\"}}").body());

        JsonNode read = JSON.readTree(system.get("/v1/executions/" + execution.path("executionId").asText()
                + "?minPosition=" + execution.path("position").asLong(), system.adminKey()).body());
        JsonNode requested = read.path("timeline").get(0);
        assertThat(requested.path("type").asText()).isEqualTo("execution.requested");
        assertThat(requested.path("payload").path("tool").path("version").asText()).isEqualTo(registered.path("version").asText());
        assertThat(requested.path("payload").path("tool").path("schemaDigest").asText())
                .isEqualTo(registered.path("schemaDigest").asText());
    }

    @Test
    void theCatalogueIsInTheAuditLog() throws Exception {
        tools();
        JsonNode events = JSON.readTree(system.get("/v1/events?type=catalog.published", system.adminKey()).body());

        assertThat(events.path("items")).hasSize(1);
        assertThat(events.path("items").get(0).path("payload").path("tools")).hasSize(7);
    }
}
