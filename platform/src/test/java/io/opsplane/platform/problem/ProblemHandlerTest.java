package io.opsplane.platform.problem;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

class ProblemHandlerTest {

    private final ProblemHandler handler = new ProblemHandler();
    private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/v1/events/stream");

    @Test
    void answersAnUnexpectedErrorWithA500WhileTheResponseIsUntouched() {
        ResponseEntity<ProblemDetail> answer = handler.unexpected(new IllegalStateException("boom"), request,
                new MockHttpServletResponse());

        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(answer.getBody().getProperties()).containsEntry("code", "internal_error")
                .containsKey("correlationId");
    }

    @Test
    void logsTheCorrelationIdAsAFieldOfItsOwn() {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(ProblemHandler.class);
        logged.start();
        logger.addAppender(logged);
        try {
            ResponseEntity<ProblemDetail> answer = handler.unexpected(new IllegalStateException("boom"), request,
                    new MockHttpServletResponse());

            Object correlationId = answer.getBody().getProperties().get("correlationId");
            assertThat(logged.list).singleElement().satisfies(event -> {
                assertThat(event.getKeyValuePairs()).singleElement().satisfies(pair -> {
                    assertThat(pair.key).isEqualTo("correlationId");
                    assertThat(pair.value).isEqualTo(correlationId);
                });
                assertThat(event.getFormattedMessage()).contains(correlationId.toString());
                assertThat(event.getThrowableProxy().getMessage()).isEqualTo("boom");
            });
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void writesNoProblemIntoAnEventStream() {
        MockHttpServletResponse response = new MockHttpServletResponse();
        response.setContentType("text/event-stream;charset=UTF-8");

        assertThat(handler.unexpected(new IOException("Broken pipe"), request, response)).isNull();
        assertThat(response.getContentAsByteArray()).isEmpty();
    }

    @Test
    void writesNoProblemIntoACommittedResponse() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        response.setContentType("application/json");
        response.getWriter().write("{\"items\":[");
        response.flushBuffer();

        assertThat(handler.unexpected(new IllegalStateException("boom"), request, response)).isNull();
        assertThat(response.getContentAsString()).isEqualTo("{\"items\":[");
    }

    @Test
    void aClientThatWentAwayGetsNothingWritten() throws Exception {
        MockMvc mvc = MockMvcBuilders.standaloneSetup(new Streaming()).setControllerAdvice(handler).build();

        MockHttpServletResponse response = mvc.perform(get("/stream")).andReturn().getResponse();

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).isEqualTo("data:first\n\n");
    }

    /** Starts an event stream (committing it), then finds its client gone, as a closed SSE connection looks to a controller. */
    @RestController
    static class Streaming {

        @GetMapping("/stream")
        void stream(HttpServletResponse response) throws IOException {
            response.setContentType("text/event-stream;charset=UTF-8");
            response.getWriter().write("data:first\n\n");
            response.flushBuffer();
            throw new AsyncRequestNotUsableException("ServletOutputStream failed to write: Broken pipe");
        }
    }
}
