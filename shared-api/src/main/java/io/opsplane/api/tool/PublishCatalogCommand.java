package io.opsplane.api.tool;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;

/**
 * Publishes the command side's tool catalogue. Publishing the catalogue that was published last
 * (same digest) records nothing, so every start of every instance may send it.
 *
 * @param digest {@code sha256:} over the canonical JSON of {@code tools}
 */
public record PublishCatalogCommand(@TargetAggregateIdentifier String catalogId, String digest, List<ToolSpec> tools) {
}
