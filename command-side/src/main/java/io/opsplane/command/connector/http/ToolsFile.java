package io.opsplane.command.connector.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * The tools file ({@code OPSPLANE_TOOLS_FILE}) bound to records, once it has passed
 * {@code tools-file.schema.json}; the schema is the authority on which fields are required and what
 * they may hold, so absent optional fields arrive here as {@code null} and the loader applies the
 * defaults.
 */
record ToolsFile(List<Definition> tools) {

    /** One declared tool, as written. */
    record Definition(
            String name,
            String version,
            String description,
            String riskLevel,
            String requiredScope,
            boolean idempotent,
            Annotations annotations,
            String timeout,
            JsonNode inputSchema,
            JsonNode outputSchema,
            List<String> secretFields,
            Approval approval,
            Request request,
            Request dryRun) {

        List<String> secretFieldsOrEmpty() {
            return secretFields == null ? List.of() : secretFields;
        }
    }

    /** MCP hints; both false when absent. */
    record Annotations(boolean readOnly, boolean destructive) {
    }

    record Approval(boolean required, int minApprovals, String expiresAfter, List<Rule> rules) {
    }

    record Rule(String field, String op, Object value, int minApprovals) {
    }

    /**
     * A request as written. {@code body} is {@code null} when absent and a JSON null node when
     * written as {@code body: null}, which a {@code GET} may not carry either.
     */
    record Request(
            String method,
            String url,
            Map<String, String> headers,
            Map<String, SecretHeader> secretHeaders,
            JsonNode body,
            List<Integer> expectStatus) {

        Map<String, String> headersOrEmpty() {
            return headers == null ? Map.of() : headers;
        }
    }

    record SecretHeader(String env, String prefix) {
    }
}
