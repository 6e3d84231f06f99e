package io.opsplane.query;

import io.opsplane.platform.store.StoreConfiguration;
import io.opsplane.platform.web.PlatformWebConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/**
 * The query side: tracking projections over the event store and the read endpoints they serve.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({StoreConfiguration.class, PlatformWebConfiguration.class})
public class QuerySideApplication {

    /** The name of this application's configuration file, distinct so that both sides can share one JVM. */
    public static final String CONFIG_NAME = "query-side";

    public static void main(String[] args) {
        builder().run(args);
    }

    /**
     * The application as it is started everywhere (main, system tests, local run): configured from
     * {@code query-side.yml}, never from an {@code application.yml} another application could own.
     */
    public static SpringApplicationBuilder builder() {
        // Axon checks for updates over the network at start; there is no network to reach.
        System.setProperty("axoniq.update-checker.disabled", "true");
        return new SpringApplicationBuilder(QuerySideApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }
}
