package io.opsplane.query.apikey;

import io.opsplane.api.apikey.Principals;
import io.opsplane.api.apikey.Scope;
import io.opsplane.platform.auth.RequiresScope;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.query.consistency.ReadYourWrites;
import io.opsplane.query.web.QueryParameters;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Lists API keys for administrators: never a key or a hash, only prefix and last four. */
@RestController
@RequestMapping(path = "/v1/api-keys", produces = MediaType.APPLICATION_JSON_VALUE)
class ApiKeyController {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final Set<String> STATUSES = Set.of("active", "revoked", "expired");

    private final ApiKeyStore store;
    private final ReadYourWrites readYourWrites;
    private final Clock clock;

    ApiKeyController(ApiKeyStore store, ReadYourWrites readYourWrites, Clock clock) {
        this.store = store;
        this.readYourWrites = readYourWrites;
        this.clock = clock;
    }

    @GetMapping
    @RequiresScope(Scope.ADMIN)
    CompletableFuture<ApiKeyPage> list(ListParameters parameters) {
        ApiKeyStore.Filter filter = parameters.toFilter();
        return readYourWrites.then(ApiKeyProjection.PROCESSING_GROUP,
                QueryParameters.position("minPosition", parameters.minPosition()), () -> {
            Instant now = clock.instant();
            List<ApiKeyDocument> found = store.page(filter, now);
            List<ApiKeyDocument> page = found.subList(0, Math.min(found.size(), filter.limit()));
            String nextCursor = found.size() > filter.limit()
                    ? new ApiKeyCursor(page.get(page.size() - 1).createdPosition(), page.get(page.size() - 1).keyId()).encode()
                    : null;
            return new ApiKeyPage(page.stream().map(d -> ApiKeyView.of(d, now)).toList(), nextCursor);
        });
    }

    @GetMapping("/{keyId}")
    @RequiresScope(Scope.ADMIN)
    CompletableFuture<ApiKeyView> get(@PathVariable String keyId, @RequestParam(required = false) String minPosition) {
        return readYourWrites.then(ApiKeyProjection.PROCESSING_GROUP,
                QueryParameters.position("minPosition", minPosition), () -> {
            return store.findById(keyId).map(d -> ApiKeyView.of(d, clock.instant()))
                    .orElseThrow(() -> ApiException.notFound("api_key_not_found", "no API key with id " + keyId));
        });
    }

    /** The query parameters of a list request, as sent. */
    record ListParameters(String status, String principal, String limit, String cursor, String minPosition) {

        ApiKeyStore.Filter toFilter() {
            QueryParameters.text(status).filter(s -> !STATUSES.contains(s)).ifPresent(s -> {
                throw ApiException.invalidParameter("status", "'status' must be one of active, revoked, expired");
            });
            return new ApiKeyStore.Filter(QueryParameters.text(status),
                    QueryParameters.text(principal).map(Principals::normalise),
                    QueryParameters.limit(limit, DEFAULT_LIMIT, MAX_LIMIT),
                    QueryParameters.text(cursor).map(ApiKeyCursor::decode));
        }
    }

    /** A key's own limit, as issued. */
    record RateLimitView(int perMinute, int burst) {
    }

    /** One key as listed. {@code rateLimit} is null for a key on the default limit. */
    record ApiKeyView(String id, String name, String principal, String kind, String owner, String prefix,
                      String lastFour, List<String> scopes, List<String> tools, String status, Instant expiresAt,
                      RateLimitView rateLimit, String issuedBy, Instant createdAt, Instant revokedAt, String revokedBy,
                      Instant expiredAt) {

        static ApiKeyView of(ApiKeyDocument d, Instant now) {
            RateLimitView rateLimit = d.rateLimitPerMinute() == null || d.rateLimitBurst() == null ? null
                    : new RateLimitView(d.rateLimitPerMinute(), d.rateLimitBurst());
            return new ApiKeyView(d.keyId(), d.name(), d.principal(), d.kind(), d.owner(), d.prefix(), d.lastFour(),
                    d.scopes(), d.tools(), d.statusAt(now), d.expiresAt(), rateLimit, d.issuedBy(), d.createdAt(),
                    d.revokedAt(), d.revokedBy(), d.expiredAt());
        }
    }

    /** One page of keys, newest first; {@code nextCursor} is null on the last page. */
    record ApiKeyPage(List<ApiKeyView> items, String nextCursor) {
    }
}
