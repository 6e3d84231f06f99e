package io.opsplane.localrun;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A store backend that serves a connection only after it proved it knows the store's password,
 * through SCRAM-SHA-256 (RFC 5802 and 7677) exactly as MongoDB runs it ({@code saslStart} and
 * {@code saslContinue}), so that the ordinary MongoDB driver authenticates with the user and
 * password in its connection string. Until then a connection may only say hello, ping and
 * authenticate; every other command is refused with MongoDB's {@code 13 Unauthorized}.
 *
 * <p>mongo-java-server has no authentication of its own: without this, any local process could read
 * and write the local run's store.
 */
final class ScramAuthenticatingBackend implements MongoBackend {

    static final String MECHANISM = "SCRAM-SHA-256";
    private static final int ITERATIONS = 4096;
    private static final int UNAUTHORIZED = 13;
    private static final int AUTHENTICATION_FAILED = 18;
    private static final Set<String> OPEN_COMMANDS = Set.of("hello", "ismaster", "ping", "saslstart", "saslcontinue");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MongoBackend delegate;
    private final String user;
    private final byte[] salt = new byte[16];
    private final byte[] storedKey;
    private final byte[] serverKey;
    /** Per connection: {@code null} until it starts a conversation, then its state. */
    private final Map<Channel, Conversation> conversations = new ConcurrentHashMap<>();

    ScramAuthenticatingBackend(MongoBackend delegate, String user, String password) {
        this.delegate = delegate;
        this.user = user;
        RANDOM.nextBytes(salt);
        byte[] saltedPassword = saltedPassword(password, salt);
        byte[] clientKey = hmac(saltedPassword, "Client Key");
        this.storedKey = sha256(clientKey);
        this.serverKey = hmac(saltedPassword, "Server Key");
    }

    @Override
    public Document handleMessage(MongoMessage message) {
        String command = commandName(message.getDocument());
        Document answer = answerOpenCommand(message.getChannel(), command, message.getDocument());
        if (answer != null) {
            return answer;
        }
        requireAuthenticated(message.getChannel(), command);
        return delegate.handleMessage(message);
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        Document answer = answerOpenCommand(channel, command, query);
        if (answer != null) {
            return answer;
        }
        requireAuthenticated(channel, command);
        return delegate.handleCommand(channel, databaseName, command, query);
    }

    @Override
    public QueryResult handleQuery(MongoQuery query) {
        requireAuthenticated(query.getChannel(), "find");
        return delegate.handleQuery(query);
    }

    @Override
    public Collection<Document> getCurrentOperations(MongoQuery query) {
        requireAuthenticated(query.getChannel(), "currentOp");
        return delegate.getCurrentOperations(query);
    }

    @Override
    public void handleClose(Channel channel) {
        conversations.remove(channel);
        delegate.handleClose(channel);
    }

    /** Authentication itself; {@code null} for every command that needs an authenticated connection. */
    private Document answerOpenCommand(Channel channel, String command, Document query) {
        return switch (command.toLowerCase(java.util.Locale.ROOT)) {
            case "saslstart" -> start(channel, query);
            case "saslcontinue" -> proceed(channel, query);
            default -> null;
        };
    }

    private void requireAuthenticated(Channel channel, String command) {
        if (OPEN_COMMANDS.contains(command.toLowerCase(java.util.Locale.ROOT))) {
            return;
        }
        Conversation conversation = conversations.get(channel);
        if (conversation == null || !conversation.authenticated) {
            throw new MongoServerError(UNAUTHORIZED, "Unauthorized", "command " + command + " requires authentication");
        }
    }

    private Document start(Channel channel, Document query) {
        if (!MECHANISM.equals(query.get("mechanism"))) {
            throw new MongoServerError(AUTHENTICATION_FAILED, "AuthenticationFailed",
                    "only " + MECHANISM + " is supported");
        }
        String clientFirst = payload(query);
        if (!clientFirst.startsWith("n,,")) {
            throw failed();
        }
        String clientFirstBare = clientFirst.substring(3);
        Map<String, String> attributes = attributes(clientFirstBare);
        String clientNonce = attributes.get("r");
        if (clientNonce == null || clientNonce.isEmpty() || !user.equals(unescape(attributes.get("n")))) {
            throw failed();
        }
        byte[] random = new byte[18];
        RANDOM.nextBytes(random);
        String nonce = clientNonce + Base64.getEncoder().encodeToString(random);
        String serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + ITERATIONS;
        Object options = query.get("options");
        boolean skipEmptyExchange = options instanceof Document o && Boolean.TRUE.equals(o.get("skipEmptyExchange"));
        conversations.put(channel, new Conversation(clientFirstBare, serverFirst, nonce, skipEmptyExchange));
        return reply(false, serverFirst);
    }

    private Document proceed(Channel channel, Document query) {
        Conversation conversation = conversations.get(channel);
        if (conversation == null) {
            throw failed();
        }
        if (conversation.authenticated) {
            return reply(true, ""); // the empty exchange that ends a conversation without skipEmptyExchange
        }
        String clientFinal = payload(query);
        int proofAt = clientFinal.lastIndexOf(",p=");
        if (proofAt < 0) {
            throw failed();
        }
        Map<String, String> attributes = attributes(clientFinal);
        if (!"biws".equals(attributes.get("c")) || !conversation.nonce.equals(attributes.get("r"))) {
            throw failed();
        }
        String authMessage = conversation.clientFirstBare + "," + conversation.serverFirst + ","
                + clientFinal.substring(0, proofAt);
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(attributes.get("p"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw failed();
        }
        byte[] signature = hmac(storedKey, authMessage);
        if (proof.length != signature.length) {
            throw failed();
        }
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ signature[i]);
        }
        if (!MessageDigest.isEqual(sha256(clientKey), storedKey)) {
            conversations.remove(channel);
            throw failed();
        }
        conversation.authenticated = true;
        String serverFinal = "v=" + Base64.getEncoder().encodeToString(hmac(serverKey, authMessage));
        return reply(conversation.skipEmptyExchange, serverFinal);
    }

    private static Document reply(boolean done, String payload) {
        Document reply = new Document();
        reply.put("conversationId", 1);
        reply.put("done", done);
        reply.put("payload", new BinData(payload.getBytes(StandardCharsets.UTF_8)));
        reply.put("ok", 1.0);
        return reply;
    }

    private static MongoServerError failed() {
        return new MongoServerError(AUTHENTICATION_FAILED, "AuthenticationFailed", "Authentication failed.");
    }

    private static String commandName(Document document) {
        return document.keySet().iterator().next();
    }

    private static String payload(Document query) {
        Object payload = query.get("payload");
        if (payload instanceof BinData data) {
            return new String(data.getData(), StandardCharsets.UTF_8);
        }
        if (payload instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        throw failed();
    }

    private static Map<String, String> attributes(String message) {
        Map<String, String> attributes = new HashMap<>();
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(1) == '=') {
                attributes.put(part.substring(0, 1), part.substring(2));
            }
        }
        return attributes;
    }

    private static String unescape(String name) {
        return name == null ? null : name.replace("=2C", ",").replace("=3D", "=");
    }

    private static byte[] saltedPassword(String password, byte[] salt) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is required by every Java platform", e);
        }
    }

    private static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** One connection's SCRAM exchange. */
    private static final class Conversation {
        final String clientFirstBare;
        final String serverFirst;
        final String nonce;
        final boolean skipEmptyExchange;
        volatile boolean authenticated;

        Conversation(String clientFirstBare, String serverFirst, String nonce, boolean skipEmptyExchange) {
            this.clientFirstBare = clientFirstBare;
            this.serverFirst = serverFirst;
            this.nonce = nonce;
            this.skipEmptyExchange = skipEmptyExchange;
        }
    }

    // Everything below only passes through.

    @Override
    public void dropDatabase(String databaseName) {
        delegate.dropDatabase(databaseName);
    }

    @Override
    public Document getServerStatus() {
        return delegate.getServerStatus();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public void closeCursors(List<Long> cursorIds) {
        delegate.closeCursors(cursorIds);
    }

    @Override
    public Clock getClock() {
        return delegate.getClock();
    }

    @Override
    public void enableOplog() {
        delegate.enableOplog();
    }

    @Override
    public void disableOplog() {
        delegate.disableOplog();
    }

    @Override
    public MongoDatabase resolveDatabase(String database) {
        return delegate.resolveDatabase(database);
    }

    @Override
    public MongoBackend version(MongoVersion version) {
        delegate.version(version);
        return this;
    }
}
