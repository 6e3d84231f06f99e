package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * What an execute answer becomes on the command line: the execution followed until it ends (within {@code --wait}),
 * printed, and turned into an exit code — 0 succeeded, 1 failed, 4 pending approval.
 */
final class Outcome {

    /** The longest {@code ?wait=} the API takes; longer waits are followed by reading the execution. */
    static final int SERVER_WAIT_LIMIT = 60;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    private Outcome() {
    }

    /** The {@code ?wait=} to send for a wait of {@code seconds}. */
    static int serverWait(int seconds) {
        return Math.min(seconds, SERVER_WAIT_LIMIT);
    }

    /** The request timeout for an answer that may take {@code serverWait} seconds. */
    static Duration timeout(int serverWait) {
        return Api.DEFAULT_TIMEOUT.plusSeconds(serverWait);
    }

    /**
     * Sends the request that starts an execution; while the server holds it ({@code ?wait=}), a terminal sees how long
     * it has been waiting.
     */
    static Api.Response submit(Verb verb, String what, Supplier<Api.Response> request) {
        if (!verb.terminal().progress()) {
            return request.get();
        }
        CompletableFuture<Api.Response> answer = CompletableFuture.supplyAsync(request);
        Progress progress = verb.terminal().progressLine();
        long started = System.nanoTime();
        try {
            while (true) {
                try {
                    return answer.get(250, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    progress.show("running " + what + " … " + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s");
                }
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failure.failed("interrupted");
        } finally {
            progress.clear();
        }
    }

    static int report(Verb verb, Api.Response accepted, int waitSeconds, long startedNanos) {
        Api api = verb.api();
        api.expect(accepted, 200, 202);
        JsonNode execution = api.parse(accepted);
        String status = execution.path("status").asText();
        if (status.equals("pending_approval")) {
            return pending(verb, accepted, execution);
        }
        Api.Response last = accepted;
        if (status.equals("running") && waitSeconds > 0) {
            last = follow(verb, execution, startedNanos + Duration.ofSeconds(waitSeconds).toNanos());
            execution = api.parse(last);
            status = execution.path("status").asText();
        }
        if (verb.json()) {
            verb.out().println(last.body());
        } else {
            Views.execution(verb.out(), execution);
        }
        String id = execution.path("executionId").asText();
        return switch (status) {
            case "succeeded" -> ExitCode.OK;
            case "running" -> {
                if (waitSeconds > 0) {
                    throw Failure.failed("execution " + id + " is still running after " + waitSeconds
                            + " s; follow it with ./opsplane execution " + id);
                }
                verb.err().println("Still running; follow it with ./opsplane execution " + id);
                yield ExitCode.OK;
            }
            case "failed" -> throw Failure.failed("execution " + id + " failed: "
                    + execution.path("error").path("code").asText("") + ": "
                    + execution.path("error").path("message").asText(""));
            default -> throw Failure.failed("execution " + id + " ended " + status);
        };
    }

    private static int pending(Verb verb, Api.Response accepted, JsonNode execution) {
        String request = execution.path("approvalRequestId").asText();
        if (verb.json()) {
            verb.out().println(accepted.body());
        } else {
            verb.out().println("Pending approval: request " + request + " (execution " + execution.path("executionId").asText()
                    + " runs once it is approved and executed).");
            if (execution.path("plan").isObject()) {
                Views.plan(verb.out(), execution.get("plan"));
            }
            verb.out().println("Follow it:   ./opsplane approvals " + request);
            verb.out().println("Approvers:   ./opsplane approve " + request + " [--comment TEXT]");
            verb.out().println("Then run it: ./opsplane execute-approved " + request + " --input FILE");
        }
        return ExitCode.PENDING_APPROVAL;
    }

    /** Reads the execution from the query side until it is no longer running or the deadline passes. */
    private static Api.Response follow(Verb verb, JsonNode accepted, long deadlineNanos) {
        Api api = verb.api();
        String id = accepted.path("executionId").asText();
        String path = Api.query("/v1/executions/" + Api.segment(id),
                Map.of("minPosition", accepted.path("position").asLong(0)));
        Progress progress = verb.terminal().progressLine();
        long started = System.nanoTime();
        Api.Response last = null;
        try {
            while (true) {
                Api.Response read = api.get(path);
                if (read.status() == 200) {
                    last = read;
                    if (!api.parse(read).path("status").asText().equals("running")) {
                        return read;
                    }
                } else if (read.status() != 404 && read.status() != 503) {
                    throw api.refusal(read);
                }
                if (System.nanoTime() >= deadlineNanos) {
                    return last != null ? last : read;
                }
                progress.show("running " + accepted.path("tool").asText() + " " + id + " … "
                        + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s");
                sleep(POLL_INTERVAL);
            }
        } finally {
            progress.clear();
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failure.failed("interrupted");
        }
    }
}
