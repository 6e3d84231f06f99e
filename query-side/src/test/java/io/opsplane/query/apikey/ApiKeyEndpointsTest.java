package io.opsplane.query.apikey;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.apikey.ApiKeyExpiredEvent;
import io.opsplane.api.apikey.ApiKeyIssuedEvent;
import io.opsplane.api.apikey.ApiKeyRevokedEvent;
import io.opsplane.api.apikey.RateLimitSpec;
import io.opsplane.api.apikey.Scope;
import io.opsplane.query.support.QuerySideUnderTest;
import io.opsplane.query.support.QuerySideUnderTest.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /v1/api-keys} over HTTP, projected from key events appended to the store. */
class ApiKeyEndpointsTest {

    private static final Actor ADMIN = new Actor("key_admin", "admin", ActorKind.HUMAN, null);

    private static QuerySideUnderTest querySide;
    private static String adminKey;
    private static String auditorKey;
    private static long head;

    @BeforeAll
    static void start() {
        querySide = QuerySideUnderTest.start();
        adminKey = querySide.issueKey("root", "admin");
        auditorKey = querySide.issueKey("auditor", "logs:read");
        Instant past = Instant.now().minusSeconds(60);
        querySide.append("ApiKey", "key_active", Instant.now(), issued("key_active", null,
                new RateLimitSpec(120, 20)));
        querySide.append("ApiKey", "key_revoked", Instant.now(), issued("key_revoked", null, null),
                new ApiKeyRevokedEvent("key_revoked", ADMIN));
        querySide.append("ApiKey", "key_expired", Instant.now(), issued("key_expired", past, null),
                new ApiKeyExpiredEvent("key_expired", past));
        querySide.append("ApiKey", "key_lapsed", Instant.now(), issued("key_lapsed", past, null));
        for (int i = 0; i < 5; i++) {
            querySide.append("ApiKey", "key_page_" + i, Instant.now(), issued("key_page_" + i, null, null));
        }
        head = querySide.headPosition();
    }

    @AfterAll
    static void stop() {
        querySide.close();
    }

    private static ApiKeyIssuedEvent issued(String keyId, Instant expiresAt, RateLimitSpec rateLimit) {
        return new ApiKeyIssuedEvent(keyId, "name of " + keyId, "bot@example.com", ActorKind.AGENT, "alice@example.com",
                Set.of(Scope.TOOLS_EXECUTE, Scope.LOGS_READ), List.of("billing.*"), expiresAt, rateLimit,
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "ops_AbCdEfGh", "WxYz", ADMIN, null);
    }

    @Test
    void listsKeysWithPrefixAndLastFourButNeverTheHash() {
        Response response = querySide.get("/v1/api-keys/key_active?minPosition=" + head, adminKey);
        assertThat(response.status()).isEqualTo(200);
        JsonNode key = response.body();
        assertThat(key.path("id").asString()).isEqualTo("key_active");
        assertThat(key.path("prefix").asString()).isEqualTo("ops_AbCdEfGh");
        assertThat(key.path("lastFour").asString()).isEqualTo("WxYz");
        assertThat(key.path("status").asString()).isEqualTo("active");
        assertThat(key.path("kind").asString()).isEqualTo("agent");
        assertThat(key.path("owner").asString()).isEqualTo("alice@example.com");
        assertThat(key.path("scopes").toString()).isEqualTo("[\"logs:read\",\"tools:execute\"]");
        assertThat(key.path("tools").toString()).isEqualTo("[\"billing.*\"]");
        assertThat(key.path("rateLimit").path("perMinute").asInt()).isEqualTo(120);
        assertThat(key.path("rateLimit").path("burst").asInt()).isEqualTo(20);
        assertThat(key.path("createdAt").asString()).endsWith("Z");
        assertThat(key.toString()).doesNotContain("0123456789abcdef").doesNotContain("keyHash");
    }

    @Test
    void reportsRevokedAndExpiredKeysAndFiltersByStatus() {
        assertThat(querySide.get("/v1/api-keys/key_revoked?minPosition=" + head, adminKey).body()
                .path("status").asString()).isEqualTo("revoked");
        assertThat(querySide.get("/v1/api-keys/key_expired", adminKey).body().path("status").asString())
                .isEqualTo("expired");
        assertThat(querySide.get("/v1/api-keys/key_lapsed", adminKey).body().path("status").asString())
                .as("past its expiry before the sweeper recorded it").isEqualTo("expired");
        Response expired = querySide.get("/v1/api-keys?status=expired&minPosition=" + head, adminKey);
        List<String> ids = new ArrayList<>();
        expired.body().path("items").forEach(item -> ids.add(item.path("id").asString()));
        assertThat(ids).containsExactly("key_lapsed", "key_expired");
        assertThat(querySide.get("/v1/api-keys?status=sleeping", adminKey).code()).isEqualTo("invalid_parameter");
    }

    @Test
    void pagesNewestFirstWithoutRepeatsOrHoles() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            Response page = querySide.get("/v1/api-keys?limit=3&minPosition=" + head
                    + (cursor == null ? "" : "&cursor=" + cursor), adminKey);
            assertThat(page.status()).isEqualTo(200);
            page.body().path("items").forEach(item -> seen.add(item.path("id").asString()));
            cursor = page.body().path("nextCursor").isNull() ? null : page.body().path("nextCursor").asString();
        } while (cursor != null);
        assertThat(seen).startsWith("key_page_4", "key_page_3").doesNotHaveDuplicates()
                .contains("key_active", "key_revoked", "key_expired", "key_lapsed", "key_page_0");
        assertThat(querySide.get("/v1/api-keys?limit=501", adminKey).code()).isEqualTo("invalid_parameter");
    }

    @Test
    void isForAdminsOnlyAndUnknownKeysAreNotFound() {
        assertThat(querySide.get("/v1/api-keys", auditorKey).status()).isEqualTo(403);
        assertThat(querySide.get("/v1/api-keys", null).status()).isEqualTo(401);
        Response missing = querySide.get("/v1/api-keys/key_nope", adminKey);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("api_key_not_found");
    }
}
