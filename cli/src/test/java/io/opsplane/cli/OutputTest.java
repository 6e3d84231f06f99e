package io.opsplane.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class OutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String printed(java.util.function.Consumer<PrintStream> print) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        print.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tablesAlignColumnsAndCutLongCells() {
        String text = printed(Table.of("ID", "STATUS").row("ex_1", "succeeded").row("ex_22", null)
                .row("x".repeat(100), "")::print);
        assertThat(text.lines()).containsExactly(
                "ID" + " ".repeat(Table.WIDEST_CELL - 2 + 2) + "STATUS",
                "ex_1" + " ".repeat(Table.WIDEST_CELL - 4 + 2) + "succeeded",
                "ex_22" + " ".repeat(Table.WIDEST_CELL - 5 + 2) + "-",
                "x".repeat(Table.WIDEST_CELL - 1) + "…  -");
    }

    @Test
    void anApprovalPolicyReadsAsWords() throws Exception {
        assertThat(Views.approvalPolicy(JSON.readTree("""
                {"required": false, "minApprovals": 0, "expiresAfter": "PT24H", "rules": [
                  {"field": "/amount", "op": "gt", "value": 50000, "minApprovals": 1},
                  {"field": "/amount", "op": "gt", "value": 500000, "minApprovals": 2}]}""")))
                .isEqualTo("1 approval when /amount > 50000; 2 approvals when /amount > 500000 (expires after PT24H)");
        assertThat(Views.approvalPolicy(JSON.readTree("{\"required\": true, \"minApprovals\": 2, \"rules\": []}")))
                .isEqualTo("always, 2 approvals (expires after PT24H)");
        assertThat(Views.approvalPolicy(JSON.readTree("{\"required\": false, \"rules\": []}"))).isEqualTo("not needed");
    }

    @Test
    void aPlanListsItsEffectsInWords() throws Exception {
        com.fasterxml.jackson.databind.JsonNode plan = JSON.readTree("""
                {"effects": [{"action": "http.get", "target": "https://example.com/health",
                              "description": "one GET, no side effect"}], "digest": "sha256:ab"}""");
        String text = printed(out -> Views.plan(out, plan));
        assertThat(text.lines()).containsExactly("The plan:",
                "  1. http.get https://example.com/health — one GET, no side effect",
                "digest:      sha256:ab");
    }

    @Test
    void anExecutionShowsItsOutcomeStepsAndTimeline() throws Exception {
        com.fasterxml.jackson.databind.JsonNode execution = JSON.readTree("""
                {"executionId": "ex_1", "tool": "tenant.onboard", "toolVersion": "1.0.0", "mode": "execute",
                 "status": "failed", "input": {"tenant": "acme"}, "output": null,
                 "error": {"code": "provider_error", "message": "Stripe answered 500"},
                 "actor": {"keyId": "k1", "name": "agent:bot", "kind": "agent", "owner": "alice@example.com"},
                 "createdAt": "2026-11-24T10:15:30.123Z", "durationMs": 1234, "position": 17,
                 "steps": [{"name": "customer", "status": "succeeded"},
                           {"name": "subscription", "status": "failed", "error": {"code": "provider_error"}}],
                 "timeline": [{"position": 15, "type": "execution.requested", "timestamp": "2026-11-24T10:15:30.123Z"}]}
                """);
        String text = printed(out -> Views.execution(out, execution));
        assertThat(text).contains("Execution ex_1  tenant.onboard 1.0.0  FAILED",
                "actor:       agent:bot (for alice@example.com)", "error:       provider_error: Stripe answered 500",
                "created:     2026-11-24 10:15:30", "duration:    1.2 s", "subscription  failed     provider_error",
                "15        2026-11-24 10:15:30  execution.requested");
        assertThat(text).doesNotContain("output:");
    }
}
