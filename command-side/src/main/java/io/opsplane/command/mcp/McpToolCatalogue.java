package io.opsplane.command.mcp;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.opsplane.api.tool.ToolSpec;
import io.opsplane.command.tool.CanonicalJson;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolDescriptor;
import io.opsplane.command.tool.ToolRegistry;
import io.opsplane.platform.auth.AuthenticatedKey;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * What {@code tools/list} shows a key: Opsplane's own tools it holds a scope for, then every registry
 * tool its scopes and tool patterns allow it to execute, by name, in pages. A registry tool's
 * {@code inputSchema} is the registry's, as {@code GET /v1/tools} shows it.
 */
@Component
class McpToolCatalogue {

    private static final String CURSOR_PREFIX = "offset:";

    private final ToolRegistry registry;
    private final McpProperties properties;

    McpToolCatalogue(ToolRegistry registry, McpProperties properties) {
        this.registry = registry;
        this.properties = properties;
    }

    McpSchema.ListToolsResult page(AuthenticatedKey key, String cursor) {
        List<McpSchema.Tool> tools = visibleTo(key);
        int from = offset(cursor, tools.size());
        int to = Math.min(tools.size(), from + properties.pageSize());
        return McpSchema.ListToolsResult.builder(tools.subList(from, to))
                .nextCursor(to < tools.size() ? cursor(to) : null)
                .build();
    }

    /** Whether {@code key} may execute the registry tool: its scope and its tool patterns. */
    static boolean mayExecute(AuthenticatedKey key, ToolDescriptor tool) {
        return key.hasScope(tool.requiredScope()) && key.mayUseTool(tool.name());
    }

    /** A digest of everything a listing shows (tools, schemas, availability): it changes when the catalogue does. */
    String digest() {
        return CanonicalJson.digest(registry.specs());
    }

    private List<McpSchema.Tool> visibleTo(AuthenticatedKey key) {
        List<McpSchema.Tool> tools = new ArrayList<>();
        for (BuiltInTools builtIn : BuiltInTools.values()) {
            if (builtIn.offeredTo(key)) {
                tools.add(builtIn.asMcpTool());
            }
        }
        for (Tool tool : registry.all()) {
            if (mayExecute(key, tool.descriptor())) {
                tools.add(asMcpTool(registry.specOf(tool)));
            }
        }
        return tools;
    }

    /** Every registry tool reaches a system outside Opsplane: {@code openWorldHint} is true. */
    private static McpSchema.Tool asMcpTool(ToolSpec spec) {
        String description = spec.available() ? spec.description()
                : spec.description() + " (Unavailable now: " + spec.unavailableReason() + ".)";
        return McpSchema.Tool.builder()
                .name(spec.name())
                .title(title(spec.name()))
                .description(description)
                .inputSchema(spec.inputSchema())
                .outputSchema(ResultSchemas.execution(spec.outputSchema()))
                .annotations(new McpSchema.ToolAnnotations(title(spec.name()), spec.annotations().readOnly(),
                        spec.annotations().destructive(), spec.idempotent(), true, null))
                .build();
    }

    /** {@code billing.refund} reads as "Billing refund". */
    static String title(String name) {
        String words = name.replace('.', ' ').replace('_', ' ').replace('-', ' ');
        return words.isEmpty() ? words : words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
    }

    private static String cursor(int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_PREFIX + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int offset(String cursor, int size) {
        if (cursor == null) {
            return 0;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (decoded.startsWith(CURSOR_PREFIX)) {
                int offset = Integer.parseInt(decoded.substring(CURSOR_PREFIX.length()));
                if (offset >= 0 && offset <= size) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("Invalid cursor")
                .data("the cursor is not one this server handed out; list again without a cursor").build();
    }
}
