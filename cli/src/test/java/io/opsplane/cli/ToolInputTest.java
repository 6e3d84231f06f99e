package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ToolInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = """
            {"type": "object", "additionalProperties": false, "required": ["paymentIntent", "amount"],
             "properties": {
               "paymentIntent": {"type": "string"},
               "amount": {"type": "integer"},
               "ratio": {"type": "number"},
               "dryRun": {"type": "boolean"},
               "note": {"type": ["string", "null"]},
               "code": {"type": ["integer", "string"]},
               "reason": {"enum": ["duplicate", "fraudulent"]},
               "tags": {"type": "array"},
               "customer": {"type": "object", "additionalProperties": false,
                            "properties": {"email": {"type": "string"}, "age": {"type": "integer"}}},
               "metadata": {"type": "object", "additionalProperties": {"type": "string"}}}}
            """;

    private static JsonNode build(String... assignments) throws Exception {
        return new ToolInput("billing.refund", JSON.readTree(SCHEMA), JSON).build(null, List.of(assignments));
    }

    @Test
    void typesEachValueByItsSchema() throws Exception {
        JsonNode input = build("paymentIntent=5000", "amount=5000", "ratio=0.25", "dryRun=true", "note=null",
                "code=42", "reason=duplicate", "tags=[\"a\",\"b\"]");
        assertThat(input.toString()).isEqualTo("""
                {"paymentIntent":"5000","amount":5000,"ratio":0.25,"dryRun":true,"note":null,"code":42,\
                "reason":"duplicate","tags":["a","b"]}""");
    }

    @Test
    void fillsNestedFieldsAndMapsDeclaredByAdditionalProperties() throws Exception {
        JsonNode input = build("customer.email=a@example.com", "customer.age=41", "metadata.team=ops");
        assertThat(input.toString())
                .isEqualTo("{\"customer\":{\"email\":\"a@example.com\",\"age\":41},\"metadata\":{\"team\":\"ops\"}}");
    }

    @Test
    void takesJsonAsItIsAfterColonEquals() throws Exception {
        assertThat(build("note:=\"5\"", "amount:=7").toString()).isEqualTo("{\"note\":\"5\",\"amount\":7}");
    }

    @Test
    void refusesAFieldTheSchemaDoesNotHaveNamingTheKnownOnes() {
        assertThatThrownBy(() -> build("amuont=5"))
                .isInstanceOf(Failure.class)
                .hasMessageContaining("billing.refund has no input field 'amuont'")
                .hasMessageContaining("amount")
                .satisfies(e -> assertThat(((Failure) e).exitCode()).isEqualTo(ExitCode.USAGE));
        assertThatThrownBy(() -> build("customer.phone=1")).hasMessageContaining("no input field 'customer.phone'");
    }

    @Test
    void refusesValuesThatDoNotFitTheirType() {
        assertThatThrownBy(() -> build("amount=12.5")).hasMessageContaining("amount: '12.5' is not an integer");
        assertThatThrownBy(() -> build("amount=five")).hasMessageContaining("is not an integer");
        assertThatThrownBy(() -> build("ratio=1,5")).hasMessageContaining("is not a number");
        assertThatThrownBy(() -> build("dryRun=yes")).hasMessageContaining("is not a boolean");
        assertThatThrownBy(() -> build("tags={}")).hasMessageContaining("is not a JSON array");
        assertThatThrownBy(() -> build("reason=mistake"))
                .hasMessageContaining("'mistake' is not one of duplicate, fraudulent");
        assertThatThrownBy(() -> build("amount:=\"5\"")).hasMessageContaining("is not an integer");
        assertThatThrownBy(() -> build("amount:={")).hasMessageContaining("is not JSON");
        assertThatThrownBy(() -> build("amount")).hasMessageContaining("is not field=value");
    }

    @Test
    void wordsChangeTheInputReadFromAFile() throws Exception {
        ObjectNode base = (ObjectNode) JSON.readTree("{\"paymentIntent\":\"pi_1\",\"amount\":1}");
        JsonNode input = new ToolInput("billing.refund", JSON.readTree(SCHEMA), JSON).build(base, List.of("amount=2"));
        assertThat(input.toString()).isEqualTo("{\"paymentIntent\":\"pi_1\",\"amount\":2}");
    }
}
