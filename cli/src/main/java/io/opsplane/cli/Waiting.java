package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Option;

import java.util.Map;

/** How long {@code exec} and {@code execute-approved} wait for the outcome, and the request that starts the run. */
final class Waiting {

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for the outcome (default ${DEFAULT-VALUE}); 0 returns at once.")
    int seconds;

    /** POSTs {@code body} to {@code path} with {@code ?wait=}, then follows and reports the outcome. */
    int run(Verb verb, String what, String path, JsonNode body, Map<String, String> headers) {
        if (seconds < 0) {
            throw Failure.usage("--wait takes seconds from 0 on, not " + seconds);
        }
        long started = System.nanoTime();
        int serverWait = Outcome.serverWait(seconds);
        Api.Response answer = Outcome.submit(verb, what, () -> verb.api().send("POST",
                Api.query(path, Map.of("wait", serverWait)), body, headers, Outcome.timeout(serverWait)));
        return Outcome.report(verb, answer, seconds, started);
    }
}
