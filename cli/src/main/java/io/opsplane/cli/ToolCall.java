package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The words that name a tool and its input, shared by {@code plan} and {@code exec}. */
final class ToolCall {

    @Parameters(index = "0", paramLabel = "TOOL", description = "The tool's name, e.g. service.healthcheck.")
    String tool;

    @Parameters(index = "1..*", paramLabel = "FIELD=VALUE",
            description = "Input values, typed by the tool's input schema (amount=5000 is a number where the schema"
                    + " says integer); FIELD:=JSON for a JSON value; a.b=VALUE for a nested field.")
    List<String> assignments = new ArrayList<>();

    @Option(names = "--input", paramLabel = "FILE|-",
            description = "Read the input as a JSON object from FILE, or from stdin for -; FIELD=VALUE words change it.")
    String inputFile;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (recorded; required for tools that need approval).")
    String reason;

    @Option(names = "--idempotency-key", paramLabel = "KEY",
            description = "Send this Idempotency-Key: a retry with the same key and input never runs the tool twice.")
    String idempotencyKey;

    /** The request body for {@code mode}; the tool's schema is fetched only when FIELD=VALUE words need typing. */
    ObjectNode body(Verb verb, String mode) {
        ObjectNode input = inputFile == null ? JsonNodeFactory.instance.objectNode()
                : InputFile.read(inputFile, verb.terminal(), verb.mapper());
        if (!assignments.isEmpty()) {
            Api api = verb.api();
            JsonNode described = api.parse(api.expect(api.get("/v1/tools/" + Api.segment(tool)), 200));
            input = new ToolInput(tool, described.path("inputSchema"), verb.mapper()).build(input, assignments);
            warnAboutSecretsInArguments(verb, described.path("secretFields"));
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("tool", tool);
        body.set("input", input);
        body.put("mode", mode);
        if (reason != null) {
            body.put("reason", reason);
        }
        return body;
    }

    /** A secret given as FIELD=VALUE is visible to every user of the machine (ps): say so, and how to avoid it. */
    private void warnAboutSecretsInArguments(Verb verb, JsonNode secretFields) {
        for (String assignment : assignments) {
            String field = assignment.substring(0, Math.max(0, assignment.indexOf('='))).replace(":", "");
            String pointer = "/" + field.replace('.', '/');
            secretFields.forEach(secret -> {
                if (secret.asText().equals(pointer)) {
                    verb.err().println("opsplane: note: " + field + " is a secret input, and the command line is visible"
                            + " to other users of this machine; prefer --input FILE or --input -");
                }
            });
        }
    }

    Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        if (idempotencyKey != null) {
            headers.put("Idempotency-Key", idempotencyKey);
        }
        return headers;
    }
}
