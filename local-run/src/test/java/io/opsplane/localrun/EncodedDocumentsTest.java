package io.opsplane.localrun;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.WriteBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

class EncodedDocumentsTest {

    @Test
    void encodingsAreKnownPerObjectNotPerContent() {
        EncodedDocuments<Document> encodings = new EncodedDocuments<>();
        Document stored = new Document("_id", "a").append("n", 1);
        Document equalCopy = new Document("_id", "a").append("n", 1);
        byte[] bytes = {1, 2, 3};

        encodings.remember(stored, bytes);

        assertThat(encodings.known(stored)).isSameAs(bytes);
        assertThat(encodings.known(equalCopy)).isNull();
        assertThat(encodings.size()).isEqualTo(1);
    }

    @Test
    void aForgottenObjectIsEncodedAgain() {
        EncodedDocuments<Document> encodings = new EncodedDocuments<>();
        Document changed = new Document("_id", "b");
        encodings.remember(changed, new byte[]{1});
        encodings.forget(changed);
        assertThat(encodings.known(changed)).isNull();
        assertThat(encodings.size()).isZero();
    }

    /** Index keys are remembered too, as long as their values cannot change under them. */
    @Test
    void anIndexKeyIsEncodedOnceWhileItLivesUnlessItHoldsAMutableValue() {
        KeyValue key = new KeyValue("exec-1", 3L);
        KeyValue holdingADocument = new KeyValue("exec-1", new Document("n", 1));

        byte[] first = written(key);
        byte[] again = written(key);
        byte[] ofACopy = written(new KeyValue("exec-1", 3L));
        byte[] withDocument = written(holdingADocument);
        ((Document) holdingADocument.get(1)).put("n", 2);

        assertThat(again).isEqualTo(first).isEqualTo(ofACopy);
        assertThat(BsonTypes.INDEX_KEYS.read(ByteBuffer.wrap(first))).isEqualTo(key);
        assertThat(BsonTypes.INDEX_KEYS.read(ByteBuffer.wrap(written(holdingADocument))))
                .as("encoded anew after its document changed").isEqualTo(new KeyValue("exec-1", new Document("n", 2)))
                .isNotEqualTo(BsonTypes.INDEX_KEYS.read(ByteBuffer.wrap(withDocument)));
    }

    private static byte[] written(KeyValue key) {
        WriteBuffer buffer = new WriteBuffer();
        BsonTypes.INDEX_KEYS.write(buffer, key);
        ByteBuffer bytes = buffer.getBuffer();
        bytes.flip();
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        return copy;
    }
}
