package io.opsplane.command.tool;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one Jackson 2 mapper for tool JSON: turning what the web layer (Jackson 3) or MCP parsed into the
 * {@code JsonNode} trees tools, schemas and approval rules work on, and trees back into the maps events record.
 * Jackson 2 because tools, the schema validator and Axon's serializer are. Its defaults are deliberate and
 * must stay: the maps and trees it makes are hashed (payload and request hashes are stored in events), so a
 * setting that changed a conversion would change a digest. Canonical JSON for those digests is
 * {@link CanonicalJson}'s own business.
 */
public final class ToolJson {

    /** Thread-safe once built; never reconfigure it. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private ToolJson() {
    }
}
