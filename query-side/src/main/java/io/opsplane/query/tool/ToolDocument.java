package io.opsplane.query.tool;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One registered tool in the {@code tools} read model. The spec is kept as JSON text because JSON
 * Schemas hold keys such as {@code $schema} that MongoDB field names reject.
 *
 * @param name     the tool name, which is also the lookup key
 * @param position the position of the {@code catalog.published} event that listed it last
 * @param spec     the {@code ToolSpec} as JSON
 */
@Document(ToolDocument.COLLECTION)
record ToolDocument(@Id String name, long position, String spec) {

    static final String COLLECTION = "tools";
}
