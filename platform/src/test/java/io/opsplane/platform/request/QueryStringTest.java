package io.opsplane.platform.request;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueryStringTest {

    @Test
    void acceptsWellFormedUtf8Escapes() {
        assertThat(QueryString.firstUndecodable(null)).isEmpty();
        assertThat(QueryString.firstUndecodable("limit=50&tool=billing.refund&actor=a%40b.com&q=%E2%82%AC+x&flag"))
                .isEmpty();
    }

    @Test
    void namesTheFirstParameterThatDoesNotDecode() {
        assertThat(QueryString.firstUndecodable("limit=%ff")).hasValue("limit");
        assertThat(QueryString.firstUndecodable("a=1&tool=%ED%A0%80")).hasValue("tool");
        assertThat(QueryString.firstUndecodable("limit=%zz")).hasValue("limit");
        assertThat(QueryString.firstUndecodable("limit=5%")).hasValue("limit");
        assertThat(QueryString.firstUndecodable("x=%E2%82")).hasValue("x");
        assertThat(QueryString.firstUndecodable("%=1")).hasValue("");
        assertThat(QueryString.firstUndecodable("%ff=1")).hasValue("");
    }
}
