package io.opsplane.api.webhook;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookUrlsTest {

    @Test
    void keepsSchemeHostAndPortOnly() {
        assertThat(WebhookUrls.reduced("https://hooks.example.com:8443/T0/B1/secret-token?sig=abc#x"))
                .isEqualTo("https://hooks.example.com:8443/...");
        assertThat(WebhookUrls.reduced("http://10.0.0.5/hook")).isEqualTo("http://10.0.0.5/...");
    }

    @Test
    void dropsUserInfoAndHidesWhatDoesNotParse() {
        assertThat(WebhookUrls.reduced("https://user:pw@hooks.example.com/x")).isEqualTo("https://hooks.example.com/...");
        assertThat(WebhookUrls.reduced("not a url")).isEqualTo("(hidden)");
        assertThat(WebhookUrls.reduced(null)).isNull();
    }
}
