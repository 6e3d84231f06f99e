package io.opsplane.platform.auth;

import io.opsplane.api.apikey.ApiKeyIssuedEvent;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The server secret that turns a key's SHA-256 into a keyed hash (HMAC-SHA256). Events and
 * credential rows carry only the keyed hash, so that neither the event log (read by every
 * {@code logs:read} key, webhooks and exports) nor a copy of the store lets anyone test guesses of
 * a key, and so that nobody who can write to the store but lacks this file can forge a credential
 * that the event log backs.
 *
 * <p>The secret lives in a file outside the store ({@code opsplane.security.key-pepper-file},
 * default {@code $OPSPLANE_DATA_DIR/key-pepper}), created with mode 0600 on first start when
 * missing. Every instance must read the same file: at start each one compares a check value kept
 * in the store and refuses to start on a mismatch, instead of refusing every key at run time.
 */
public final class KeyPepper {

    private static final int SECRET_BYTES = 32;
    private static final String CHECK_INPUT = "opsplane key pepper check";

    private final byte[] secret;

    KeyPepper(byte[] secret) {
        this.secret = secret.clone();
    }

    /** Reads the secret from {@code file}, creating it (atomically, 0600) when it does not exist yet. */
    public static KeyPepper fromFile(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            byte[] secret = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
            if (secret.length < SECRET_BYTES) {
                throw new IllegalStateException("the key pepper in " + file + " is shorter than "
                        + SECRET_BYTES + " bytes; delete it only if no key was issued with it");
            }
            return new KeyPepper(secret);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the key pepper " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the key pepper in " + file + " is not base64", e);
        }
    }

    /** Writes a new secret next to {@code file} and links it into place: of two racing starts, one wins. */
    private static void create(Path file) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        byte[] secret = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        Path temporary = Files.createTempFile(directory, ".key-pepper", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temporary, Base64.getEncoder().encodeToString(secret) + "\n", StandardCharsets.US_ASCII);
            Files.createLink(file, temporary);
        } catch (FileAlreadyExistsException e) {
            // Another instance created it first: use theirs.
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** The keyed hash of a key's SHA-256 (lower-case hex), as stored in events and credential rows. */
    public String keyMac(String keyHash) {
        return HexFormat.of().formatHex(hmac(keyHash.getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * The keyed hash an issuing event binds its key id to. Events recorded before the keyed hash
     * existed carry the plain SHA-256 instead, from which it is computed.
     */
    public String keyMacOf(ApiKeyIssuedEvent issued) {
        if (issued.keyMac() != null) {
            return issued.keyMac();
        }
        return issued.keyHash() == null ? null : keyMac(issued.keyHash());
    }

    /** Constant-time comparison of two keyed hashes. */
    public static boolean macsMatch(String expected, String actual) {
        return expected != null && actual != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), actual.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Records this pepper's check value in the store if none is there yet, and fails when the store
     * was set up with another pepper.
     */
    public void verifyAgainst(MongoTemplate mongo, Path file) {
        String check = HexFormat.of().formatHex(hmac(CHECK_INPUT.getBytes(StandardCharsets.US_ASCII)));
        try {
            mongo.insert(new PepperCheck(PepperCheck.ID, check));
        } catch (DuplicateKeyException e) {
            // Set up before: compare below.
        }
        PepperCheck stored = mongo.findById(PepperCheck.ID, PepperCheck.class);
        if (stored == null || !macsMatch(stored.check(), check)) {
            throw new IllegalStateException("the key pepper " + file + " is not the one this store's keys were issued"
                    + " with: give every instance the same file (opsplane.security.key-pepper-file)");
        }
    }

    private byte[] hmac(byte[] input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }

    /** One document: the HMAC of a fixed text under the pepper the store's keys use. */
    @Document("key_pepper_check")
    record PepperCheck(@org.springframework.data.annotation.Id String id, String check) {
        static final String ID = "pepper";
    }
}
