package io.opsplane.command.connector.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.opsplane.api.apikey.Scope;
import io.opsplane.api.tool.ApprovalPolicy;
import io.opsplane.api.tool.ApprovalRule;
import io.opsplane.api.tool.ComparisonOp;
import io.opsplane.api.tool.RiskLevel;
import io.opsplane.command.tool.InputValidator;
import io.opsplane.command.tool.Schemas;
import io.opsplane.command.tool.ToolDescriptor;
import io.opsplane.command.tool.ToolRegistry;
import io.opsplane.platform.problem.FieldError;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Loads the declarative HTTP tools of {@code OPSPLANE_TOOLS_FILE}. The file is checked in full
 * first, against the file format's JSON Schema and then for what a schema cannot say (tool input
 * schemas that compile, secret fields marked {@code writeOnly}, hosts without placeholders, names
 * not taken); every problem is reported with its file, line, column and field, and any problem
 * fails the load, so a broken file never half-loads.
 */
public final class DeclarativeToolLoader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode FILE_SCHEMA = fileSchema();
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final InputValidator validator;
    private final Function<String, String> environment;
    private final HttpClient http;

    public DeclarativeToolLoader(InputValidator validator, Function<String, String> environment) {
        this.validator = validator;
        this.environment = environment;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /**
     * @param reservedNames names of the built-in tools, which a declared tool may not take
     * @throws ToolsFileException naming every problem found
     */
    public List<DeclarativeHttpTool> load(Path file, Set<String> reservedNames) {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ToolsFileException(name, List.of(name + ": the file does not exist"));
        } catch (IOException e) {
            throw new ToolsFileException(name, List.of(name + ": cannot be read (" + e.getClass().getSimpleName() + ")"));
        }
        JsonNode document;
        YamlLocations locations;
        YAMLMapper yaml = new YAMLMapper();
        try (JsonParser parser = new YAMLFactory().createParser(text)) {
            locations = YamlLocations.index(parser);
            document = yaml.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : at.getLineNr() + ":" + at.getColumnNr() + ": ";
            throw new ToolsFileException(name, List.of(name + ":" + where + "not valid YAML: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (document == null || document.isMissingNode() || document.isNull()) {
            throw new ToolsFileException(name, List.of(name + ":1:1: the file is empty; it needs a 'tools' list"));
        }
        Problems problems = new Problems(name, locations);
        for (FieldError error : validator.validate(FILE_SCHEMA, document)) {
            problems.add(error.path(), error.message());
        }
        if (!problems.isEmpty()) {
            throw new ToolsFileException(name, problems.list);
        }
        List<ToolsFile.Definition> definitions;
        try {
            definitions = yaml.treeToValue(document, ToolsFile.class).tools();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tools file that passed its schema did not bind: " + e.getOriginalMessage(), e);
        }
        checkMeaning(definitions, reservedNames, problems);
        if (!problems.isEmpty()) {
            throw new ToolsFileException(name, problems.list);
        }
        List<DeclarativeHttpTool> tools = new ArrayList<>();
        for (int i = 0; i < definitions.size(); i++) {
            tools.add(tool(definitions.get(i), name + ":" + locations.lineAndColumn("/tools/" + i)));
        }
        return tools;
    }

    private void checkMeaning(List<ToolsFile.Definition> definitions, Set<String> reservedNames, Problems problems) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < definitions.size(); i++) {
            ToolsFile.Definition tool = definitions.get(i);
            String at = "/tools/" + i;
            String toolName = tool.name();
            if (reservedNames.contains(toolName)) {
                problems.add(at + "/name", "'" + toolName + "' is a built-in tool's name");
            } else if (ToolRegistry.isReservedName(toolName)) {
                problems.add(at + "/name", "'" + toolName + "' uses the prefix '" + ToolRegistry.RESERVED_PREFIX
                        + "', which Opsplane keeps for its own MCP tools");
            } else if (!seen.add(toolName)) {
                problems.add(at + "/name", "'" + toolName + "' is declared twice");
            }
            checkInputSchema(tool, at, problems);
            checkDuration(tool.timeout(), at + "/timeout", problems);
            checkDuration(tool.approval() == null ? null : tool.approval().expiresAfter(),
                    at + "/approval/expiresAfter", problems);
            checkRequest(tool.request(), at + "/request", problems);
            if (tool.dryRun() != null) {
                checkRequest(tool.dryRun(), at + "/dryRun", problems);
            }
        }
    }

    private void checkInputSchema(ToolsFile.Definition tool, String at, Problems problems) {
        JsonNode schema = tool.inputSchema();
        if (!"object".equals(schema.path("type").asText())) {
            problems.add(at + "/inputSchema", "must describe an object (\"type\": \"object\")");
        }
        try {
            validator.validate(schema, JsonNodeFactory.instance.objectNode());
        } catch (RuntimeException e) {
            problems.add(at + "/inputSchema", "is not a usable JSON Schema: " + e.getMessage());
        }
        List<String> secrets = tool.secretFieldsOrEmpty();
        for (int s = 0; s < secrets.size(); s++) {
            String pointer = secrets.get(s);
            JsonNode property = schema.path("properties").path(pointer.substring(1));
            if (pointer.indexOf('/', 1) > 0 || property.isMissingNode()) {
                problems.add(at + "/secretFields/" + s, "'" + pointer + "' names no top-level property of inputSchema");
            } else if (!property.path("writeOnly").asBoolean(false)) {
                problems.add(at + "/secretFields/" + s, "'" + pointer + "' must carry \"writeOnly\": true in inputSchema");
            }
        }
    }

    private static void checkRequest(ToolsFile.Request request, String at, Problems problems) {
        String url = request.url();
        int pathStart = url.indexOf('/', url.indexOf("://") + 3);
        String origin = pathStart < 0 ? url : url.substring(0, pathStart);
        if (Templates.hasPlaceholder(origin)) {
            problems.add(at + "/url", "the scheme and host must be fixed; placeholders are allowed only in the path and query");
        }
        for (String unknown : Templates.unknownPlaceholders(url)) {
            problems.add(at + "/url", "unknown placeholder {{" + unknown + "}}; use input.<field>, executionId or stepKey");
        }
        request.headersOrEmpty().forEach((header, value) -> {
            for (String unknown : Templates.unknownPlaceholders(value)) {
                problems.add(at + "/headers/" + header, "unknown placeholder {{" + unknown + "}}");
            }
        });
        if (request.body() != null && ("GET".equals(request.method()) || "HEAD".equals(request.method()))) {
            problems.add(at + "/body", "a " + request.method() + " request has no body");
        }
    }

    private static void checkDuration(String value, String at, Problems problems) {
        if (value == null) {
            return;
        }
        try {
            Duration.parse(value);
        } catch (DateTimeParseException e) {
            problems.add(at, "'" + value + "' is not an ISO-8601 duration such as PT30S");
        }
    }

    private DeclarativeHttpTool tool(ToolsFile.Definition definition, String source) {
        ToolsFile.Annotations annotations = definition.annotations() == null
                ? new ToolsFile.Annotations(false, false) : definition.annotations();
        ToolDescriptor descriptor = ToolDescriptor.builder(definition.name())
                .version(definition.version() == null ? "1.0.0" : definition.version())
                .description(definition.description())
                .riskLevel(RiskLevel.valueOf(definition.riskLevel().toUpperCase(Locale.ROOT)))
                .requiredScope(definition.requiredScope() == null ? Scope.TOOLS_EXECUTE
                        : Scope.fromWireName(definition.requiredScope()).orElse(Scope.TOOLS_EXECUTE))
                .inputSchema(definition.inputSchema())
                .outputSchema(definition.outputSchema() != null ? definition.outputSchema() : Schemas.parse("""
                        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                         "required": ["statusCode"], "properties": {"statusCode": {"type": "integer"}, "body": true}}"""))
                .supportsPlan()
                .idempotent(definition.idempotent())
                .readOnly(annotations.readOnly())
                .destructive(annotations.destructive())
                .secretFields(List.copyOf(definition.secretFieldsOrEmpty()))
                .approval(approval(definition.approval()))
                .timeout(definition.timeout() != null ? Duration.parse(definition.timeout()) : DEFAULT_TIMEOUT)
                .build();
        return new DeclarativeHttpTool(descriptor, request(definition.request()),
                definition.dryRun() != null ? request(definition.dryRun()) : null, environment, http, source);
    }

    private static DeclarativeHttpTool.RequestTemplate request(ToolsFile.Request request) {
        Map<String, DeclarativeHttpTool.SecretHeader> secretHeaders = new LinkedHashMap<>();
        if (request.secretHeaders() != null) {
            request.secretHeaders().forEach((header, secret) -> secretHeaders.put(header,
                    new DeclarativeHttpTool.SecretHeader(secret.env(), secret.prefix() == null ? "" : secret.prefix())));
        }
        return new DeclarativeHttpTool.RequestTemplate(request.method(), request.url(),
                new LinkedHashMap<>(request.headersOrEmpty()), secretHeaders, request.body(),
                request.expectStatus() == null ? List.of() : List.copyOf(request.expectStatus()));
    }

    private static ApprovalPolicy approval(ToolsFile.Approval approval) {
        if (approval == null) {
            return ApprovalPolicy.none();
        }
        List<ApprovalRule> rules = new ArrayList<>();
        if (approval.rules() != null) {
            approval.rules().forEach(rule -> rules.add(new ApprovalRule(rule.field(),
                    ComparisonOp.valueOf(rule.op().toUpperCase(Locale.ROOT)), rule.value(), rule.minApprovals())));
        }
        return new ApprovalPolicy(approval.required(), approval.minApprovals(), rules, approval.expiresAfter());
    }

    private static JsonNode fileSchema() {
        try (InputStream schema = DeclarativeToolLoader.class.getResourceAsStream("tools-file.schema.json")) {
            return JSON.readTree(schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Problems found so far, each as {@code file:line:column: field: message}. */
    private static final class Problems {

        private final String file;
        private final YamlLocations locations;
        private final List<String> list = new ArrayList<>();

        Problems(String file, YamlLocations locations) {
            this.file = file;
            this.locations = locations;
        }

        void add(String pointer, String message) {
            list.add(file + ":" + locations.lineAndColumn(pointer) + ": " + (pointer.isEmpty() ? "/" : pointer) + ": " + message);
        }

        boolean isEmpty() {
            return list.isEmpty();
        }
    }
}
