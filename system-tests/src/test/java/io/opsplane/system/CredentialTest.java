package io.opsplane.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsplane.platform.auth.ApiKeyCredential;
import io.opsplane.platform.auth.ApiKeySecrets;
import io.opsplane.platform.auth.CredentialStore;
import io.opsplane.platform.auth.KeyPepper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.mongodb.core.MongoTemplate;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys work the moment their {@code 201} arrives, on both sides, and only what the event log
 * backs authenticates: rows written or edited in the store behind the application's back do not.
 */
class CredentialTest {

    @RegisterExtension
    static final RunningSystem system = RunningSystem.perClass();

    private static String keyBody(String name, String scopes) {
        return "{\"name\":\"" + name + "\",\"principal\":\"" + name + "@example.com\",\"kind\":\"human\",\"scopes\":"
                + scopes + "}";
    }

    @Test
    void aKeyWorksOnEverySideTheMomentItsCreatedAnswerArrives() throws Exception {
        int rounds = 40;
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<String> refusals = new ArrayList<>();
        int requests = 0;
        try {
            for (int round = 0; round < rounds; round++) {
                String key = system.issueKey(keyBody("fresh-" + round, "[\"logs:read\",\"tools:plan\"]"))
                        .path("key").asText();
                List<Future<String>> uses = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    boolean read = t % 2 == 0;
                    Callable<String> use = () -> {
                        HttpResponse<String> response = read
                                ? system.get("/v1/executions?limit=1", key)
                                : system.post("/v1/executions", key,
                                "{\"tool\":\"service.healthcheck\",\"mode\":\"plan\",\"input\":{\"url\":\"http://127.0.0.1:1/\"}}");
                        return response.statusCode() == 200 ? null : (read ? "GET " : "POST ") + response.statusCode()
                                + " " + response.body();
                    };
                    uses.add(pool.submit(use));
                }
                for (Future<String> use : uses) {
                    requests++;
                    String refusal = use.get();
                    if (refusal != null) {
                        refusals.add(refusal);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(requests).isEqualTo(rounds * threads);
        assertThat(refusals).as("requests made at once with just-issued keys").isEmpty();
    }

    @Test
    void aCredentialRowThatNoEventBacksAuthenticatesNothing() throws Exception {
        CredentialStore credentials = system.commandSide().getBean(CredentialStore.class);
        KeyPepper pepper = system.commandSide().getBean(KeyPepper.class);
        String forgedKey = ApiKeySecrets.generate();
        String forgedMac = pepper.keyMac(ApiKeySecrets.hash(forgedKey));
        ApiKeyCredential admin = credentials.findById("key_bootstrap_admin").orElseThrow();

        // A new row for a key id no event knows.
        credentials.save(new ApiKeyCredential("key_forged", forgedMac, "forged", "mallory@example.com", "human", null,
                Set.of("admin"), List.of(), null, null, null, "ops_forged", "abcd", Instant.now(), null, null));
        assertThat(system.get("/v1/api-keys", forgedKey).statusCode()).isEqualTo(401);
        assertThat(system.post("/v1/api-keys", forgedKey, keyBody("x", "[\"admin\"]")).statusCode()).isEqualTo(401);

        // The admin key's row pointed at a key the forger holds: the admin's issuing event names another key.
        String secondKey = ApiKeySecrets.generate();
        String secondMac = pepper.keyMac(ApiKeySecrets.hash(secondKey));
        credentials.save(new ApiKeyCredential(admin.keyId(), secondMac, admin.name(), admin.principal(), admin.kind(),
                admin.owner(), admin.scopes(), admin.toolPatterns(), admin.expiresAt(), admin.ratePerMinute(),
                admin.rateBurst(), admin.prefix(), admin.lastFour(), admin.issuedAt(), null, null));
        assertThat(system.get("/v1/api-keys", secondKey).statusCode()).isEqualTo(401);
        credentials.save(admin);
        assertThat(system.get("/v1/api-keys", system.adminKey()).statusCode()).isEqualTo(200);
    }

    @Test
    void scopesAndRevocationComeFromTheEventLogNotFromTheRow() throws Exception {
        CredentialStore credentials = system.commandSide().getBean(CredentialStore.class);
        JsonNode reader = system.issueKey(keyBody("reader", "[\"logs:read\"]"));
        String readerKey = reader.path("key").asText();
        ApiKeyCredential row = credentials.findById(reader.path("id").asText()).orElseThrow();

        credentials.save(new ApiKeyCredential(row.keyId(), row.keyMac(), row.name(), row.principal(), row.kind(),
                row.owner(), Set.of("admin"), row.toolPatterns(), row.expiresAt(), row.ratePerMinute(), row.rateBurst(),
                row.prefix(), row.lastFour(), row.issuedAt(), null, null));
        assertThat(system.get("/v1/api-keys", readerKey).statusCode()).as("scopes edited in the row").isEqualTo(403);

        JsonNode revoked = system.issueKey(keyBody("revoked", "[\"logs:read\"]"));
        assertThat(system.delete("/v1/api-keys/" + revoked.path("id").asText(), system.adminKey()).statusCode())
                .isEqualTo(204);
        String revokedKey = revoked.path("key").asText();
        ApiKeyCredential revokedRow = awaitRevokedRow(credentials, revoked.path("id").asText());
        credentials.save(new ApiKeyCredential(revokedRow.keyId(), revokedRow.keyMac(), revokedRow.name(),
                revokedRow.principal(), revokedRow.kind(), revokedRow.owner(), revokedRow.scopes(),
                revokedRow.toolPatterns(), revokedRow.expiresAt(), revokedRow.ratePerMinute(), revokedRow.rateBurst(),
                revokedRow.prefix(), revokedRow.lastFour(), revokedRow.issuedAt(), null, null));
        Thread.sleep(300); // past the authenticator's reuse of what it last read
        assertThat(system.get("/v1/executions?limit=1", revokedKey).statusCode()).as("revocation undone in the row")
                .isEqualTo(401);
    }

    @Test
    void noKeyHashIsPublishedInTheEventLog() throws Exception {
        JsonNode issued = system.issueKey(keyBody("published", "[\"logs:read\"]"));
        String hash = ApiKeySecrets.hash(issued.path("key").asText());
        HttpResponse<String> log = awaitLogged(issued.path("id").asText());
        assertThat(log.body()).contains("\"keyMac\":\"").doesNotContain(hash).doesNotContain("\"keyHash\":\"");
        MongoTemplate mongo = system.commandSide().getBean(MongoTemplate.class);
        assertThat(mongo.getCollectionNames()).contains(ApiKeyCredential.COLLECTION);
        for (String collection : mongo.getCollectionNames()) {
            mongo.getCollection(collection).find().forEach(document ->
                    assertThat(document.toJson()).as(collection).doesNotContain(hash));
        }
    }

    private static HttpResponse<String> awaitLogged(String keyId) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> log = system.get("/v1/events?aggregateId=" + keyId, system.adminKey());
            assertThat(log.statusCode()).isEqualTo(200);
            if (log.body().contains("apikey.issued")) {
                return log;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("apikey.issued of " + keyId + " never reached the event log");
    }

    private static ApiKeyCredential awaitRevokedRow(CredentialStore credentials, String keyId) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            ApiKeyCredential row = credentials.findById(keyId).orElseThrow();
            if (row.revokedAt() != null) {
                return row;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the revocation never reached the credential row");
    }
}
