package io.opsplane.platform.request;

import io.opsplane.platform.problem.ApiException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class IdempotencyKeysTest {

    @Test
    void acceptsOneTo255PrintableAsciiCharacters() {
        assertThat(IdempotencyKeys.isValid("a")).isTrue();
        assertThat(IdempotencyKeys.isValid("!~" + "k".repeat(253))).isTrue();
        assertThat(IdempotencyKeys.fromHeader("order-42")).isEqualTo("order-42");
        assertThat(IdempotencyKeys.fromHeader(null)).isNull();
    }

    @Test
    void refusesEmptyTooLongAndNonPrintableKeys() {
        for (String key : new String[] {"", "k".repeat(256), "has spaces", "tab\t", "del\u007f", "caf\u00e9"}) {
            assertThat(IdempotencyKeys.isValid(key)).as(key).isFalse();
        }
    }

    @Test
    void answersAnInvalidHeaderWithTheContractsProblem() {
        ApiException refused = catchThrowableOfType(ApiException.class, () -> IdempotencyKeys.fromHeader("has spaces"));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("invalid_idempotency_key");
        assertThat(refused.title()).isEqualTo("Invalid Idempotency-Key");
        assertThat(refused.detail()).isEqualTo("an Idempotency-Key must be 1 to 255 printable ASCII characters (0x21-0x7E)");
    }
}
