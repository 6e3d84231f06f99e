package io.opsplane.command.tool;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsplane.api.apikey.Scope;
import io.opsplane.api.tool.ApprovalPolicy;
import io.opsplane.api.tool.RiskLevel;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the registry tells about a tool: what agents discover, what the runtime enforces.
 * Build one with {@link #builder(String)}, which names every setting.
 *
 * @param requiredScope the scope executing it needs; planning always needs {@code tools:plan}
 * @param inputSchema   JSON Schema 2020-12 of the input; secret properties carry {@code "writeOnly": true}
 * @param outputSchema  JSON Schema 2020-12 of the output
 * @param idempotent    running it twice with the same input (and step keys) has the effect of running
 *                      it once, so a run interrupted by a crash may be resumed
 * @param secretFields  JSON Pointers of input properties that are secrets: never stored, logged or returned
 * @param approval      when executing it needs approval; {@code expiresAfter} null means the configured default
 * @param timeout       how long one attempt may run before it fails with {@code timeout}
 */
public record ToolDescriptor(
        String name,
        String version,
        String description,
        RiskLevel riskLevel,
        Scope requiredScope,
        JsonNode inputSchema,
        JsonNode outputSchema,
        boolean supportsPlan,
        boolean idempotent,
        boolean readOnly,
        boolean destructive,
        List<String> secretFields,
        ApprovalPolicy approval,
        Duration timeout) {

    /** Starts a descriptor of the tool with this name. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Names each setting of a {@link ToolDescriptor}. Version, description, risk level, both
     * schemas and the timeout have no default and must be set. The defaults of the rest:
     * scope {@code tools:execute}; not plannable, not idempotent, not read-only, not destructive;
     * no secret fields; no approval ({@link ApprovalPolicy#none()}).
     */
    public static final class Builder {

        private final String name;
        private String version;
        private String description;
        private RiskLevel riskLevel;
        private Scope requiredScope = Scope.TOOLS_EXECUTE;
        private JsonNode inputSchema;
        private JsonNode outputSchema;
        private boolean supportsPlan;
        private boolean idempotent;
        private boolean readOnly;
        private boolean destructive;
        private List<String> secretFields = List.of();
        private ApprovalPolicy approval = ApprovalPolicy.none();
        private Duration timeout;

        private Builder(String name) {
            this.name = name;
        }

        public Builder version(String version) {
            this.version = version;
            return this;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder riskLevel(RiskLevel riskLevel) {
            this.riskLevel = riskLevel;
            return this;
        }

        public Builder requiredScope(Scope requiredScope) {
            this.requiredScope = requiredScope;
            return this;
        }

        public Builder inputSchema(JsonNode inputSchema) {
            this.inputSchema = inputSchema;
            return this;
        }

        public Builder outputSchema(JsonNode outputSchema) {
            this.outputSchema = outputSchema;
            return this;
        }

        /** The tool answers {@code mode: plan} with the effects it would have, without running. */
        public Builder supportsPlan() {
            return supportsPlan(true);
        }

        public Builder supportsPlan(boolean supportsPlan) {
            this.supportsPlan = supportsPlan;
            return this;
        }

        /** See {@link ToolDescriptor#idempotent()}. */
        public Builder idempotent() {
            return idempotent(true);
        }

        public Builder idempotent(boolean idempotent) {
            this.idempotent = idempotent;
            return this;
        }

        /** The tool changes nothing outside Opsplane (an MCP {@code readOnlyHint}). */
        public Builder readOnly() {
            return readOnly(true);
        }

        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /** The tool may destroy or undo something (an MCP {@code destructiveHint}). */
        public Builder destructive() {
            return destructive(true);
        }

        public Builder destructive(boolean destructive) {
            this.destructive = destructive;
            return this;
        }

        public Builder secretFields(List<String> secretFields) {
            this.secretFields = secretFields;
            return this;
        }

        public Builder approval(ApprovalPolicy approval) {
            this.approval = approval;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public ToolDescriptor build() {
            return new ToolDescriptor(
                    Objects.requireNonNull(name, "name"),
                    Objects.requireNonNull(version, "version"),
                    Objects.requireNonNull(description, "description"),
                    Objects.requireNonNull(riskLevel, "riskLevel"),
                    Objects.requireNonNull(requiredScope, "requiredScope"),
                    Objects.requireNonNull(inputSchema, "inputSchema"),
                    Objects.requireNonNull(outputSchema, "outputSchema"),
                    supportsPlan, idempotent, readOnly, destructive,
                    Objects.requireNonNull(secretFields, "secretFields"),
                    Objects.requireNonNull(approval, "approval"),
                    Objects.requireNonNull(timeout, "timeout"));
        }
    }
}
