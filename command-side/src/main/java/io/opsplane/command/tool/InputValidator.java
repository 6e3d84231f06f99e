package io.opsplane.command.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import io.opsplane.platform.problem.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates tool inputs against their JSON Schema 2020-12 with networknt's validator, and their
 * secrets for control characters, reporting every error as a JSON Pointer into the input.
 */
public class InputValidator {

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    /**
     * The schema's errors, and a secret that holds a control character (a CR or LF would split the HTTP header a
     * secret usually ends up in, and the refusal would then carry the secret into a log).
     */
    public List<FieldError> validate(ToolDescriptor tool, JsonNode input) {
        List<FieldError> errors = validate(compiled.computeIfAbsent(tool.name() + "@" + tool.version(),
                key -> registry.getSchema(tool.inputSchema())), input);
        for (String pointer : tool.secretFields()) {
            JsonNode secret = input.at(pointer);
            if (secret.isTextual() && HeaderValues.hasControlCharacter(secret.textValue())) {
                errors.add(new FieldError(pointer, HeaderValues.CONTROL_CHARACTER_MESSAGE));
            }
        }
        return errors;
    }

    /** Validates any JSON against any schema, uncached: for documents checked once, such as the tools file. */
    public List<FieldError> validate(JsonNode schema, JsonNode instance) {
        return validate(registry.getSchema(schema), instance);
    }

    private static List<FieldError> validate(Schema schema, JsonNode input) {
        List<FieldError> errors = new ArrayList<>();
        for (Error error : schema.validate(input)) {
            String path = pointer(error.getInstanceLocation());
            if ("required".equals(error.getKeyword()) && error.getProperty() != null) {
                path = path + "/" + escape(error.getProperty());
            }
            errors.add(new FieldError(path, error.getMessage()));
        }
        return errors;
    }

    private static String pointer(NodePath location) {
        if (location == null) {
            return "";
        }
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            pointer.append('/').append(element instanceof Integer index ? index.toString() : escape(String.valueOf(element)));
        }
        return pointer.toString();
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
