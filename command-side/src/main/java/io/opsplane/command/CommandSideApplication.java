package io.opsplane.command;

import io.opsplane.platform.store.StoreConfiguration;
import io.opsplane.platform.web.PlatformWebConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/**
 * The command side: accepts commands over HTTP, decides in event-sourced aggregates, appends
 * events to the store, and runs tools outside the aggregates.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({StoreConfiguration.class, PlatformWebConfiguration.class})
public class CommandSideApplication {

    /** Its own configuration file name, so that both applications can share one JVM in tests. */
    public static SpringApplicationBuilder builder() {
        System.setProperty("axoniq.update-checker.disabled", "true");
        return new SpringApplicationBuilder(CommandSideApplication.class)
                .properties("spring.config.name=command-side");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
