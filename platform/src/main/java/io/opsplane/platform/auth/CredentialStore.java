package io.opsplane.platform.auth;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Query;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

/**
 * The credentials collection ({@link ApiKeyCredential#COLLECTION}). Lookups are exact matches on
 * unique indexes only (id and keyed hash), the access path every MongoDB-compatible store serves
 * from an index.
 */
public class CredentialStore {

    private final MongoTemplate mongo;

    public CredentialStore(MongoTemplate mongo) {
        this.mongo = mongo;
        mongo.indexOps(ApiKeyCredential.class)
                .createIndex(new Index("keyMac", Sort.Direction.ASC).unique().named("keyMac_unique"));
    }

    public Optional<ApiKeyCredential> findByKeyMac(String keyMac) {
        return Optional.ofNullable(mongo.findOne(query(where("keyMac").is(keyMac)), ApiKeyCredential.class));
    }

    public Optional<ApiKeyCredential> findById(String keyId) {
        return Optional.ofNullable(mongo.findById(keyId, ApiKeyCredential.class));
    }

    /**
     * Keys past their {@code expiresAt} whose expiry is not recorded yet and that are not revoked.
     * A range match, so a scan on the embedded store: the collection holds one document per key and
     * the expiry sweeper asks only every few seconds.
     */
    public List<ApiKeyCredential> findDueForExpiry(Instant now, int limit) {
        return mongo.find(query(where("expiresAt").lte(now).and("revokedAt").is(null).and("expiredAt").is(null))
                .limit(limit), ApiKeyCredential.class);
    }

    /** Inserts or replaces the credential; replaying the same events writes the same document. */
    public void save(ApiKeyCredential credential) {
        mongo.save(credential);
    }

    public void deleteAll() {
        mongo.remove(new Query(), ApiKeyCredential.class);
    }
}
