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
