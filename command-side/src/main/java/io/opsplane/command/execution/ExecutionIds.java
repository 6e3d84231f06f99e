package io.opsplane.command.execution;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Execution ids. With an idempotency key the id is derived from (API key id, idempotency key), so
 * every retry, on any node, addresses the same aggregate and the store's uniqueness of an
 * aggregate's first event lets exactly one of them create it.
 */
public final class ExecutionIds {

    private ExecutionIds() {
    }

    static String forIdempotencyKey(String apiKeyId, String idempotencyKey) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((apiKeyId + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
            return "ex_" + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    static String random() {
        return "ex_" + UUID.randomUUID().toString().replace("-", "");
    }
}
