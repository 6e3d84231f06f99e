package io.opsplane.platform.request;

import io.opsplane.platform.problem.ApiException;
import io.opsplane.platform.problem.FieldError;
import io.opsplane.platform.problem.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.springframework.core.ResolvableType;
import org.springframework.mock.http.MockHttpInputMessage;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StrictJsonConverterTest {

    record Limit(Integer perMinute, Integer burst) {
    }

    record Request(String name, List<String> tools, Limit rateLimit, Object input) {
    }

    private final StrictJsonConverter converter = new StrictJsonConverter(JsonMapper.builder().build());

    @Test
    void readsAWellFormedBodyThatFitsTheRecord() throws Exception {
        Request request = read("{\"name\":\"n\",\"tools\":[\"a.*\"],\"rateLimit\":{\"perMinute\":5,\"burst\":1},\"input\":[1]}");

        assertThat(request.name()).isEqualTo("n");
        assertThat(request.rateLimit().perMinute()).isEqualTo(5);
        assertThat(request.input()).isEqualTo(List.of(1));
    }

    @Test
    void anythingButExactlyOneJsonValueIsMalformed() {
        for (String body : List.of("[", "[1,2", "{} x", "{}{}", "{\"a\":1,\"a\":2}", "{'name':'n'}", "  ")) {
            assertThatThrownBy(() -> read(body)).as(body).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.code()).isEqualTo("malformed_json");
                assertThat(e.detail()).doesNotContain("java.", "tools.jackson", "io.opsplane");
            });
        }
    }

    @Test
    void aValueOfTheWrongTypeIsNeverCoercedAndIsNamedByItsPointer() {
        assertInvalid("{\"name\":5}", "/name", "must be a string");
        assertInvalid("{\"name\":true}", "/name", "must be a string");
        assertInvalid("{\"tools\":[5]}", "/tools/0", "must be a string");
        assertInvalid("{\"tools\":\"a\"}", "/tools", "must be an array");
        assertInvalid("{\"rateLimit\":{\"perMinute\":1.5,\"burst\":1}}", "/rateLimit/perMinute", "must be a whole number");
        assertInvalid("{\"rateLimit\":{\"perMinute\":\"5\",\"burst\":1}}", "/rateLimit/perMinute", "must be a whole number");
        assertInvalid("{\"rateLimit\":[]}", "/rateLimit", "must be an object");
        assertInvalid("[]", "", "must be an object");
        assertInvalid("null", "", "must be an object");
    }

    @Test
    void aFieldTheRecordDoesNotDefineIsInvalid() {
        assertInvalid("{\"name\":\"n\",\"inputs\":{}}", "/inputs", "is not a field of this request");
        assertInvalid("{\"rateLimit\":{\"perMinute\":1,\"burst\":1,\"x\":1}}", "/rateLimit/x", "is not a field of this request");
    }

    private void assertInvalid(String body, String path, String message) {
        assertThatThrownBy(() -> read(body)).as(body).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            @SuppressWarnings("unchecked")
            List<FieldError> errors = (List<FieldError>) e.extensions().get("errors");
            assertThat(errors).containsExactly(new FieldError(path, message));
            assertThat(e.detail()).doesNotContain("java.", "tools.jackson", "io.opsplane", "Request");
        });
    }

    private Request read(String body) throws Exception {
        return (Request) converter.read(ResolvableType.forClass(Request.class),
                new MockHttpInputMessage(body.getBytes(StandardCharsets.UTF_8)), Map.of());
    }
}
