package io.opsplane.platform.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretFilesTest {

    @TempDir
    Path dir;

    private StandardEnvironment environment(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", variables));
        return environment;
    }

    @Test
    void setsEachSecretFromItsFileWithoutTheLineEnd() throws Exception {
        Path key = Files.writeString(dir.resolve("admin_key"), "ops_secret\n");
        Path uri = Files.writeString(dir.resolve("mongodb_uri"), "mongodb://opsplane:pw@mongo:27017/opsplane\n");
        StandardEnvironment environment = environment(Map.of("OPSPLANE_ADMIN_KEY_FILE", key.toString(),
                "OPSPLANE_MONGODB_URI_FILE", uri.toString()));

        new SecretFiles().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("opsplane.admin-key")).isEqualTo("ops_secret");
        assertThat(environment.resolvePlaceholders("${OPSPLANE_MONGODB_URI:unset}"))
                .isEqualTo("mongodb://opsplane:pw@mongo:27017/opsplane");
    }

    @Test
    void refusesAVariableAndItsFileTwinTogetherAndAFileThatIsMissing() throws Exception {
        Path key = Files.writeString(dir.resolve("admin_key"), "ops_secret");
        assertThatThrownBy(() -> new SecretFiles().postProcessEnvironment(environment(Map.of(
                "OPSPLANE_ADMIN_KEY_FILE", key.toString(), "OPSPLANE_ADMIN_KEY", "ops_other")), new SpringApplication()))
                .hasMessageContaining("OPSPLANE_ADMIN_KEY_FILE").hasMessageNotContaining("ops_other");
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> new SecretFiles().postProcessEnvironment(environment(Map.of(
                "OPSPLANE_MONGODB_URI_FILE", missing.toString())), new SpringApplication()))
                .hasMessageContaining("OPSPLANE_MONGODB_URI_FILE").hasMessageContaining(missing.toString());
    }
}
