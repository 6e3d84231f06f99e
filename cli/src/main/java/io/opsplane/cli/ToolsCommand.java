package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.HashSet;
import java.util.Set;

@Command(name = "tools", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List the tool registry, or show one tool with its input fields and approval policy.")
final class ToolsCommand extends Verb {

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "The tool to show (e.g. service.healthcheck).")
    String name;

    @Override
    int execute() {
        if (name == null) {
            JsonNode tools = answer(api().expect(api().get("/v1/tools"), 200));
            if (!json()) {
                Table table = Table.of("NAME", "VERSION", "RISK", "SCOPE", "APPROVAL", "AVAILABLE", "DESCRIPTION");
                tools.path("tools").forEach(tool -> table.row(tool.path("name").asText(), tool.path("version").asText(),
                        tool.path("riskLevel").asText(), tool.path("requiredScope").asText(),
                        Views.approvalSummary(tool.path("approval")), tool.path("available").asBoolean(true) ? "yes" : "no",
                        tool.path("description").asText()));
                table.print(out());
            }
            return ExitCode.OK;
        }
        JsonNode tool = answer(api().expect(api().get("/v1/tools/" + Api.segment(name)), 200));
        if (!json()) {
            show(tool);
        }
        return ExitCode.OK;
    }

    private void show(JsonNode tool) {
        out().println(tool.path("name").asText() + " " + tool.path("version").asText());
        out().println(tool.path("description").asText());
        out().println();
        Views.field(out(), "risk", tool.path("riskLevel").asText()
                + (tool.path("annotations").path("destructive").asBoolean(false) ? ", destructive" : "")
                + (tool.path("annotations").path("readOnly").asBoolean(false) ? ", read-only" : ""));
        Views.field(out(), "scope", tool.path("requiredScope").asText());
        Views.field(out(), "plan", tool.path("supportsPlan").asBoolean(false) ? "supported" : "not supported");
        Views.field(out(), "idempotent", tool.path("idempotent").asBoolean(false) ? "yes" : "no");
        Views.field(out(), "approval", Views.approvalPolicy(tool.path("approval")));
        Views.field(out(), "available", available(tool));
        out().println();
        JsonNode schema = tool.path("inputSchema");
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(field -> required.add(field.asText()));
        Set<String> secret = new HashSet<>();
        tool.path("secretFields").forEach(pointer -> secret.add(pointer.asText()));
        Table fields = Table.of("FIELD", "TYPE", "REQUIRED", "SECRET", "DESCRIPTION");
        schema.path("properties").fields().forEachRemaining(property -> {
            JsonNode propertySchema = property.getValue();
            String type = String.join("|", ToolInput.types(propertySchema));
            if (propertySchema.has("enum")) {
                type = type + " " + propertySchema.get("enum");
            }
            fields.row(property.getKey(), type.isBlank() ? "any" : type, required.contains(property.getKey()) ? "yes" : "",
                    secret.contains("/" + property.getKey()) ? "yes" : "", propertySchema.path("description").asText(""));
        });
        if (fields.isEmpty()) {
            out().println("No input fields.");
        } else {
            fields.print(out());
        }
        out().println();
        out().println("Give values as FIELD=VALUE (typed by this schema) or FIELD:=JSON, e.g. ./opsplane plan "
                + tool.path("name").asText() + " " + example(schema, required));
    }

    private static String example(JsonNode schema, Set<String> required) {
        StringBuilder words = new StringBuilder();
        schema.path("properties").fields().forEachRemaining(property -> {
            if (required.contains(property.getKey())) {
                words.append(words.length() == 0 ? "" : " ").append(property.getKey()).append("=…");
            }
        });
        return words.toString();
    }

    private static String available(JsonNode tool) {
        return tool.path("available").asBoolean(true) ? "yes" : "no: " + tool.path("unavailableReason").asText("");
    }
}
