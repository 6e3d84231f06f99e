package io.opsplane.command.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecretRedactorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SECRETS = List.of("/bearerToken", "/auth/password");

    @Test
    void redactsEverySecretPresentAndLeavesTheRest() throws Exception {
        JsonNode input = JSON.readTree("{\"url\":\"http://x\",\"bearerToken\":\"t0k\",\"auth\":{\"password\":\"pw\",\"user\":\"u\"}}");
        JsonNode redacted = SecretRedactor.redact(input, SECRETS);
        assertThat(redacted.toString()).doesNotContain("t0k", "\"pw\"");
        assertThat(redacted.path("bearerToken").asText()).isEqualTo(SecretRedactor.REDACTED);
        assertThat(redacted.path("auth").path("user").asText()).isEqualTo("u");
        assertThat(input.path("bearerToken").asText()).as("the original is untouched").isEqualTo("t0k");
    }

    @Test
    void absentSecretsStayAbsent() throws Exception {
        JsonNode redacted = SecretRedactor.redact(JSON.readTree("{\"url\":\"http://x\"}"), SECRETS);
        assertThat(redacted.has("bearerToken")).isFalse();
    }

    @Test
    void restoresExtractedSecrets() throws Exception {
        JsonNode input = JSON.readTree("{\"url\":\"http://x\",\"bearerToken\":\"t0k\"}");
        Map<String, JsonNode> secrets = SecretRedactor.extract(input, SECRETS);
        assertThat(SecretRedactor.restore(SecretRedactor.redact(input, SECRETS), secrets)).isEqualTo(input);
    }
}
