package io.opsplane.eventstore;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;

/**
 * What the connected server can do, read from its handshake reply rather than configured.
 * <p>
 * Multi-document transactions need a replica set member ({@code setName}) or a mongos ({@code msg: isdbgrid}), both
 * with logical sessions. {@code isMaster} is asked first because every server answers it, the embedded
 * mongo-java-server included (which has no {@code hello} and logs an error for every unknown command); {@code hello}
 * remains the fallback for a server that drops the legacy name. The embedded store's reply has neither marker.
 */
record ServerCapabilities(boolean transactions) {

    static ServerCapabilities detect(MongoDatabase database) {
        return fromHandshake(handshake(database));
    }

    static ServerCapabilities fromHandshake(Document reply) {
        boolean clustered = reply.containsKey("setName") || "isdbgrid".equals(reply.getString("msg"));
        boolean sessions = reply.containsKey("logicalSessionTimeoutMinutes");
        return new ServerCapabilities(clustered && sessions);
    }

    private static Document handshake(MongoDatabase database) {
        try {
            return database.runCommand(new Document("isMaster", 1));
        } catch (MongoCommandException unknownCommand) {
            return database.runCommand(new Document("hello", 1));
        }
    }
}
