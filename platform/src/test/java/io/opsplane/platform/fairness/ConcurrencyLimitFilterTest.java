package io.opsplane.platform.fairness;

import io.opsplane.api.apikey.ActorKind;
import io.opsplane.platform.auth.ApiKeyAuthenticationFilter;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.problem.ProblemWriter;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrencyLimitFilterTest {

    private final ConcurrencyLimitFilter filter = new ConcurrencyLimitFilter(2, 1, Set.of("/v1/events/stream"),
            new ProblemWriter(JsonMapper.builder().build()));

    @Test
    void refusesAKeysRequestBeyondItsCapWhileTheOthersAreInFlight() throws Exception {
        List<MockHttpServletResponse> responses = new ArrayList<>();
        // Each request is still in flight while the next one arrives: the chain of the first sends the second.
        send("key_a", "/v1/tools", responses, 3);

        assertThat(responses).extracting(MockHttpServletResponse::getStatus).containsExactly(200, 200, 429);
        MockHttpServletResponse refused = responses.get(2);
        assertThat(refused.getContentType()).startsWith("application/problem+json");
        assertThat(refused.getContentAsString()).contains("\"code\":\"concurrency_limited\"");
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(filter.inFlight("key_a")).isZero();
    }

    @Test
    void anotherKeyIsNotCountedAgainstTheFirst() throws Exception {
        MockHttpServletResponse other = new MockHttpServletResponse();
        FilterChain holdTwoThenAskForAnother = (request, response) ->
                filter.doFilter(request("key_a", "/v1/tools"), new MockHttpServletResponse(),
                        (inner, innerResponse) -> filter.doFilter(request("key_b", "/v1/tools"), other, (r, s) -> { }));

        filter.doFilter(request("key_a", "/v1/tools"), new MockHttpServletResponse(), holdTwoThenAskForAnother);

        assertThat(other.getStatus()).isEqualTo(200);
    }

    @Test
    void anOpenStreamHoldsItsSlotUntilItEndsAndCountsOnlyAgainstTheStreamCap() throws Exception {
        MockHttpServletRequest stream = request("key_a", "/v1/events/stream");
        stream.setAsyncSupported(true);
        filter.doFilter(stream, new MockHttpServletResponse(), (request, response) -> request.startAsync());
        AsyncContext open = stream.getAsyncContext();

        MockHttpServletResponse second = new MockHttpServletResponse();
        filter.doFilter(request("key_a", "/v1/events/stream"), second, (request, response) -> { });
        MockHttpServletResponse ordinary = new MockHttpServletResponse();
        filter.doFilter(request("key_a", "/v1/tools"), ordinary, (request, response) -> { });

        assertThat(second.getStatus()).isEqualTo(429);
        assertThat(second.getContentAsString()).contains("event streams");
        assertThat(ordinary.getStatus()).isEqualTo(200);
        assertThat(filter.openStreams("key_a")).isEqualTo(1);

        open.complete();

        assertThat(filter.openStreams("key_a")).isZero();
        MockHttpServletResponse afterwards = new MockHttpServletResponse();
        filter.doFilter(request("key_a", "/v1/events/stream"), afterwards, (request, response) -> { });
        assertThat(afterwards.getStatus()).isEqualTo(200);
    }

    @Test
    void aRequestThatFailsStillGivesItsSlotBack() {
        for (int i = 0; i < 3; i++) {
            try {
                filter.doFilter(request("key_a", "/v1/tools"), new MockHttpServletResponse(), (request, response) -> {
                    throw new IllegalStateException("boom");
                });
            } catch (Exception expected) {
                assertThat(expected).hasMessage("boom");
            }
        }
        assertThat(filter.inFlight("key_a")).isZero();
    }

    private void send(String keyId, String path, List<MockHttpServletResponse> responses, int remaining)
            throws IOException, ServletException {
        if (remaining == 0) {
            return;
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        responses.add(response);
        filter.doFilter(request(keyId, path), response, (request, ignored) -> send(keyId, path, responses, remaining - 1));
    }

    private static MockHttpServletRequest request(String keyId, String path) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setAttribute(ApiKeyAuthenticationFilter.ATTRIBUTE, new AuthenticatedKey(keyId, "alice@example.com",
                ActorKind.HUMAN, null, Set.of(), List.of(), null, null));
        return request;
    }
}
