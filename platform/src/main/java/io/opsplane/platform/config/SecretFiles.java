package io.opsplane.platform.config;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Secrets from files, the Docker way: {@code OPSPLANE_ADMIN_KEY_FILE=/run/secrets/admin_key} sets the
 * admin key to the file's content, and so on for each secret setting below, so that a secret never
 * has to sit in an environment variable. Setting both a variable and its {@code _FILE} twin, or
 * naming a file that cannot be read, stops the start with a message naming the variable and the path
 * (never the content). The values rank just below real environment variables.
 */
public class SecretFiles implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "opsplaneSecretFiles";

    /** Each {@code _FILE} variable and the property its content sets. */
    static final Map<String, String> SECRETS = Map.of(
            "OPSPLANE_ADMIN_KEY_FILE", "opsplane.admin-key",
            // The application files read the URI through this placeholder.
            "OPSPLANE_MONGODB_URI_FILE", "OPSPLANE_MONGODB_URI",
            "OPSPLANE_CONNECTORS_STRIPE_API_KEY_FILE", "opsplane.connectors.stripe.api-key",
            "OPSPLANE_CONNECTORS_RESEND_API_KEY_FILE", "opsplane.connectors.resend.api-key");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> values = new LinkedHashMap<>();
        SECRETS.forEach((variable, property) -> {
            String file = environment.getProperty(variable);
            if (file == null || file.isBlank()) {
                return;
            }
            String twin = variable.substring(0, variable.length() - "_FILE".length());
            if (environment.getProperty(twin) != null) {
                throw new IllegalStateException("Set either " + twin + " or " + variable + ", not both");
            }
            values.put(property, read(variable, Path.of(file)));
        });
        if (values.isEmpty()) {
            return;
        }
        MapPropertySource source = new MapPropertySource(SOURCE_NAME, values);
        if (environment.getPropertySources().contains(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
            environment.getPropertySources().addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, source);
        } else {
            environment.getPropertySources().addLast(source);
        }
    }

    /** The file's content without the line end that editors and {@code echo} add. */
    private static String read(String variable, Path file) {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (content.isEmpty()) {
                throw new IllegalStateException(variable + " names an empty file: " + file);
            }
            return content;
        } catch (IOException e) {
            throw new IllegalStateException(variable + " names a file that cannot be read: " + file, e);
        }
    }
}
