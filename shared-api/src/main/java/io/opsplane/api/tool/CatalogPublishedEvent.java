package io.opsplane.api.tool;

import io.opsplane.api.audit.EventName;

import java.util.List;

/**
 * The tool catalogue changed: this is every registered tool, in full. Tools absent here are no
 * longer registered. The registry endpoints are projected from these events, so the catalogue's
 * history is part of the audit log.
 *
 * @param digest {@code sha256:} over the canonical JSON of {@code tools}
 */
@EventName("catalog.published")
public record CatalogPublishedEvent(String catalogId, String digest, List<ToolSpec> tools) {
}
