package io.opsplane.localrun;

import de.bwaldvogel.mongo.bson.Document;
import org.junit.jupiter.api.Test;

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
}
