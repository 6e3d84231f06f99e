package io.opsplane.platform.web;

import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockServletContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Stages complete when returned are answered in the request's own dispatch; the others as Spring does. */
class CompletedStageReturnValueHandlerTest {

    private static final CompletableFuture<ResponseEntity<Map<String, Object>>> PENDING = new CompletableFuture<>();

    @RestController
    static class Stages {

        @GetMapping("/done")
        CompletableFuture<ResponseEntity<Map<String, Object>>> done() {
            return CompletableFuture.completedFuture(
                    ResponseEntity.status(HttpStatus.CREATED).header("X-Answer", "42").body(Map.of("answer", 42)));
        }

        @GetMapping("/done-body")
        CompletableFuture<Map<String, Object>> doneBody() {
            return CompletableFuture.completedFuture(Map.of("items", 3));
        }

        @GetMapping("/pending")
        CompletableFuture<ResponseEntity<Map<String, Object>>> pending() {
            return PENDING;
        }

        @GetMapping("/failed")
        CompletableFuture<ResponseEntity<Map<String, Object>>> failed() {
            return CompletableFuture.failedFuture(new ResponseStatusException(HttpStatus.CONFLICT, "taken"));
        }
    }

    @Configuration
    @EnableWebMvc
    static class Web {

        @Bean
        Stages stages() {
            return new Stages();
        }
    }

    @Configuration
    static class Installed {

        @Bean
        static org.springframework.beans.factory.config.BeanPostProcessor installer() {
            return CompletedStageReturnValueHandler.installer();
        }
    }

    private final MockMvc mvc = mvc(true);

    @Test
    void aCompleteAnswerIsWrittenInTheRequestsOwnDispatchWithItsStatusHeadersAndBody() throws Exception {
        mvc.perform(get("/done"))
                .andExpect(request().asyncNotStarted())
                .andExpect(status().isCreated())
                .andExpect(header().string("X-Answer", "42"))
                .andExpect(jsonPath("$.answer").value(42));
        mvc.perform(get("/done-body"))
                .andExpect(request().asyncNotStarted())
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.items").value(3));
    }

    @Test
    void springAloneAnswersTheSameCompleteStageAsynchronously() throws Exception {
        MockMvc plain = mvc(false);
        MvcResult started = plain.perform(get("/done")).andExpect(request().asyncStarted()).andReturn();
        plain.perform(asyncDispatch(started))
                .andExpect(status().isCreated())
                .andExpect(header().string("X-Answer", "42"))
                .andExpect(jsonPath("$.answer").value(42));
    }

    @Test
    void aStageStillRunningIsAnsweredAsynchronouslyOnceItCompletes() throws Exception {
        MvcResult started = mvc.perform(get("/pending")).andExpect(request().asyncStarted()).andReturn();
        PENDING.complete(ResponseEntity.accepted().body(Map.of("status", "running")));

        mvc.perform(asyncDispatch(started))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.status").value("running"));
    }

    @Test
    void aFailedStageKeepsSpringsAsynchronousErrorHandling() throws Exception {
        MvcResult started = mvc.perform(get("/failed")).andExpect(request().asyncStarted()).andReturn();

        mvc.perform(asyncDispatch(started)).andExpect(status().isConflict());
    }

    private static MockMvc mvc(boolean installed) {
        AnnotationConfigWebApplicationContext context = new AnnotationConfigWebApplicationContext();
        context.setServletContext(new MockServletContext());
        context.register(Web.class);
        if (installed) {
            context.register(Installed.class);
        }
        context.refresh();
        return MockMvcBuilders.webAppContextSetup(context).build();
    }
}
