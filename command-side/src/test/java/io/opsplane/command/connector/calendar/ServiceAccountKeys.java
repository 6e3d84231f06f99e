package io.opsplane.command.connector.calendar;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Writes a service account key file as Google issues them, with a fresh RSA key, for tests. */
public final class ServiceAccountKeys {

    public static final String CLIENT_EMAIL = "opsplane-runner@opsplane-test.iam.gserviceaccount.com";

    private ServiceAccountKeys() {
    }

    public static Path write(Path directory, String tokenUrl) throws IOException, NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        // The key file holds the PEM as a JSON string, its line breaks escaped.
        String escapedPem = pem.replace("\n", "\\n");
        Path file = directory.resolve("service-account.json");
        Files.writeString(file, """
                {"type": "service_account", "project_id": "opsplane-test", "private_key_id": "4f1c0d8e9a",
                 "private_key": "%s", "client_email": "%s", "client_id": "104761234567890123456",
                 "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "%s"}
                """.formatted(escapedPem, CLIENT_EMAIL, tokenUrl));
        return file;
    }
}
