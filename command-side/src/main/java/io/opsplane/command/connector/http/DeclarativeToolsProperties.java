package io.opsplane.command.connector.http;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where operators declare their own HTTP tools.
 *
 * @param file the YAML tools file ({@code OPSPLANE_TOOLS_FILE}); unset means no declarative tools.
 *             A file that does not load stops the start.
 */
@ConfigurationProperties("opsplane.tools")
public record DeclarativeToolsProperties(String file) {
}
