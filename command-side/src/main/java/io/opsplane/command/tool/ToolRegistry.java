package io.opsplane.command.tool;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsplane.api.execution.ToolRef;
import io.opsplane.api.tool.ToolAnnotations;
import io.opsplane.api.tool.ToolSpec;

import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The registered tools by name. Only a registered tool ever runs. */
public class ToolRegistry {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** Names Opsplane keeps for the tools of its own doors ({@code opsplane.plan} over MCP); no registered tool may use it. */
    public static final String RESERVED_PREFIX = "opsplane.";

    private static final int MAX_REMEMBERED_SCHEMAS = 1_024;
    private static final Map<JsonNode, String> SCHEMA_DIGESTS = new IdentityHashMap<>();

    private final Map<String, Tool> tools;
    private final String defaultExpiresAfter;

    /**
     * @param defaultExpiresAfter the approval expiry (ISO-8601 duration) of tools that declare none
     */
    public ToolRegistry(Collection<Tool> tools, String defaultExpiresAfter) {
        this.tools = tools.stream().collect(Collectors.toMap(t -> t.descriptor().name(), Function.identity(),
                (a, b) -> {
                    throw new IllegalStateException("two tools are named " + a.descriptor().name());
                }, TreeMap::new));
        this.tools.keySet().stream().filter(ToolRegistry::isReservedName).findFirst().ifPresent(name -> {
            throw new IllegalStateException("the tool name '" + name + "' uses the reserved prefix " + RESERVED_PREFIX);
        });
        this.defaultExpiresAfter = defaultExpiresAfter;
    }

    public static boolean isReservedName(String name) {
        return name.regionMatches(true, 0, RESERVED_PREFIX, 0, RESERVED_PREFIX.length());
    }

    public Optional<Tool> find(String name) {
        return Optional.ofNullable(tools.get(name));
    }

    public List<Tool> all() {
        return List.copyOf(tools.values());
    }

    /** Every tool as the catalogue publishes it, by name. */
    public List<ToolSpec> specs() {
        return tools.values().stream().map(this::specOf).toList();
    }

    public ToolSpec specOf(Tool tool) {
        ToolDescriptor d = tool.descriptor();
        Optional<String> unavailable = tool.unavailableReason();
        return new ToolSpec(d.name(), d.version(), d.description(), d.riskLevel(), d.requiredScope().wireName(),
                JSON.convertValue(d.inputSchema(), MAP), JSON.convertValue(d.outputSchema(), MAP),
                d.supportsPlan(), d.idempotent(), new ToolAnnotations(d.readOnly(), d.destructive()),
                d.approval().withDefaultExpiry(defaultExpiresAfter), d.secretFields(), unavailable.isEmpty(),
                unavailable.orElse(null), d.timeout().toMillis(), schemaDigest(d.inputSchema()));
    }

    /** The exact tool identity an execution records: name, version, schema digest, idempotency, timeout. */
    public static ToolRef refOf(ToolDescriptor d) {
        return new ToolRef(d.name(), d.version(), schemaDigest(d.inputSchema()), d.idempotent(),
                d.timeout().toMillis());
    }

    /**
     * The digest of a tool's input schema, remembered per schema object: every request of a tool needs it, twice,
     * and computing it canonicalises the whole schema (5 % of the request threads' time under load). A tool's
     * schema is built once and never changed, so the object stands for its content; the memory is bounded for tools
     * that build a new schema object each time they are asked.
     */
    static String schemaDigest(JsonNode schema) {
        synchronized (SCHEMA_DIGESTS) {
            String known = SCHEMA_DIGESTS.get(schema);
            if (known != null) {
                return known;
            }
        }
        String digest = CanonicalJson.digest(schema);
        synchronized (SCHEMA_DIGESTS) {
            if (SCHEMA_DIGESTS.size() >= MAX_REMEMBERED_SCHEMAS) {
                SCHEMA_DIGESTS.clear();
            }
            SCHEMA_DIGESTS.put(schema, digest);
        }
        return digest;
    }
}
