package io.opsplane.command.apikey;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;

/**
 * First-start settings.
 *
 * @param dataDir  where the generated admin key is written ({@code OPSPLANE_DATA_DIR})
 * @param adminKey the bootstrap admin key to install on first start instead of generating one
 *                 ({@code OPSPLANE_ADMIN_KEY}); ignored once any bootstrap key exists
 */
@ConfigurationProperties("opsplane")
public record BootstrapProperties(@DefaultValue("./data") Path dataDir, String adminKey) {
}
