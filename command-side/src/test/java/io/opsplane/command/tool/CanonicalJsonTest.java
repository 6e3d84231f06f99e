package io.opsplane.command.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CanonicalJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sortsMembersAndDropsWhiteSpace() throws Exception {
        assertThat(CanonicalJson.of(JSON.readTree("{ \"b\": [1, {\"z\": true, \"a\": null}], \"a\": \"x\" }")))
                .isEqualTo("{\"a\":\"x\",\"b\":[1,{\"a\":null,\"z\":true}]}");
    }

    @Test
    void writesNumbersInTheirShortestForm() throws Exception {
        assertThat(CanonicalJson.of(JSON.readTree("[1.0, 100, 2.50, -0.5, 1e3]"))).isEqualTo("[1,100,2.5,-0.5,1000]");
    }

    @Test
    void writesOrdinaryNumbersAsRfc8785Does() throws Exception {
        assertThat(CanonicalJson.of(JSON.readTree("[123456789.123, 0.0001, 1e21, 1e-7, -0.0, 9007199254740991]")))
                .isEqualTo("[123456789.123,0.0001,1e+21,1e-7,0,9007199254740991]");
    }

    @Test
    void recomputesAStoredDigestInTheFormItWasMadeIn() throws Exception {
        // sha256 of {"amount":1.0e-4,"tool":"x"}, the pre-RFC 8785 form of this document.
        String storedBefore = "sha256:76e78125dcf484f7ceb778c2da8f461e0dfabe672063a1c110b03008442d5741";
        // sha256 of {"amount":0.0001,"tool":"x"}.
        String storedAfter = "sha256:b3bede9f1fc566d2f81a953388b7ebb7a185719f5226df1889ed45a23955ba53";
        Object document = JSON.readTree("{\"tool\": \"x\", \"amount\": 0.0001}");

        assertThat(CanonicalJson.digest(document)).isEqualTo(storedAfter);
        assertThat(CanonicalJson.digestAs(storedBefore, document)).isEqualTo(storedBefore);
        assertThat(CanonicalJson.digestAs(storedAfter, document)).isEqualTo(storedAfter);
        assertThat(CanonicalJson.digestAs(storedBefore, JSON.readTree("{\"tool\": \"x\", \"amount\": 0.0002}")))
                .isNotEqualTo(storedBefore);
        assertThat(CanonicalJson.digestAs(null, document)).isEqualTo(storedAfter);
    }

    @Test
    void escapesOnlyWhatJsonRequires() throws Exception {
        assertThat(CanonicalJson.of(JSON.readTree("\"a\\\"b\\\\c\\n\\u0001é€\""))).isEqualTo("\"a\\\"b\\\\c\\n\\u0001é€\"");
    }

    @Test
    void equalDocumentsHaveEqualDigestsAndDifferentOnesDoNot() throws Exception {
        String one = CanonicalJson.digest(JSON.readTree("{\"amount\": 100, \"currency\": \"usd\"}"));
        String same = CanonicalJson.digest(JSON.readTree("{\"currency\":\"usd\",\"amount\":100}"));
        String other = CanonicalJson.digest(JSON.readTree("{\"currency\":\"usd\",\"amount\":101}"));
        assertThat(one).startsWith("sha256:").hasSize(7 + 64).isEqualTo(same).isNotEqualTo(other);
    }
}
