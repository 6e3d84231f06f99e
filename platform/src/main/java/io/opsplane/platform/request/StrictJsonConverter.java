package io.opsplane.platform.request;

import io.opsplane.platform.problem.ApiException;
import io.opsplane.platform.problem.InvalidInputException;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

import java.io.IOException;
import java.util.Collection;
import java.util.Map;

/**
 * Reads request bodies in two strict steps, so that each failure gets its own contract code:
 * <ol>
 *   <li>the bytes must be exactly one well-formed JSON value (no trailing data, no duplicate member
 *       names), else {@code 400 malformed_json};</li>
 *   <li>that value must fit the endpoint's request record: no member the record does not define and no
 *       value of another JSON type (a number is never read as a string, {@code 1.5} never as an
 *       integer), else {@code 400 invalid_input} with the member's JSON Pointer.</li>
 * </ol>
 * Problem texts name the members and the JSON types expected, never a Java class. Responses are written
 * as by the application's own mapper, from which this one is derived.
 */
public class StrictJsonConverter extends JacksonJsonHttpMessageConverter {

    public StrictJsonConverter(JsonMapper applicationMapper) {
        super(strict(applicationMapper));
    }

    /** The application's mapper with strict reading switched on; writing is unchanged. */
    static JsonMapper strict(JsonMapper mapper) {
        return mapper.rebuild()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT, DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY,
                        DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .withCoercionConfig(LogicalType.Textual, text -> text
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
    }

    @Override
    public Object read(ResolvableType type, HttpInputMessage input, Map<String, Object> hints) throws IOException {
        JsonMapper mapper = getMapper();
        JsonNode tree;
        try {
            tree = mapper.readTree(input.getBody());
        } catch (JacksonIOException e) {
            if (e.getCause() instanceof RequestGuardFilter.BodyTooLargeException tooLarge) {
                throw tooLarge;
            }
            throw new ApiException(400, "malformed_json", "Malformed JSON", "the request body could not be read completely");
        } catch (JacksonException e) {
            throw new ApiException(400, "malformed_json", "Malformed JSON",
                    "the body is not exactly one well-formed JSON value" + where(e));
        }
        if (tree == null || tree.isMissingNode()) {
            throw new ApiException(400, "malformed_json", "Malformed JSON", "the body is empty; send one JSON value");
        }
        JavaType target = mapper.constructType(type.getType());
        if (tree.isNull() && !target.isJavaLangObject() && !JsonNode.class.isAssignableFrom(target.getRawClass())) {
            throw new InvalidInputException("", "must be " + jsonTypeOf(target.getRawClass()));
        }
        try {
            return mapper.readerFor(target).readValue(tree);
        } catch (JacksonException e) {
            throw new InvalidInputException(pointer(e), problem(e));
        }
    }

    /** What is wrong with the member, in the words of the JSON the client sent. */
    private static String problem(JacksonException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return "is not a field of this request";
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return "must be " + jsonTypeOf(mismatch.getTargetType());
        }
        return "has the wrong type or an invalid value";
    }

    static String jsonTypeOf(Class<?> type) {
        if (CharSequence.class.isAssignableFrom(type) || type == char.class || type == Character.class) {
            return "a string";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == short.class || type == Short.class || type == java.math.BigInteger.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type.isEnum()) {
            return "one of the documented values";
        }
        return "an object";
    }

    private static String where(JacksonException e) {
        TokenStreamLocation location = e.getLocation();
        return location == null || location.getLineNr() < 1 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String pointer(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : e.getPath()) {
            path.append('/');
            if (reference.getPropertyName() != null) {
                path.append(reference.getPropertyName().replace("~", "~0").replace("/", "~1"));
            } else if (reference.getIndex() >= 0) {
                path.append(reference.getIndex());
            }
        }
        return path.toString();
    }
}
