package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "events", mixinStandardHelpOptions = true, description = "Follow the audit event log.",
        subcommands = EventsCommand.Tail.class)
final class EventsCommand extends VerbGroup {

    @Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Print events as they are recorded (GET /v1/events/stream), until Ctrl-C or --count.",
                    "When the connection drops it reconnects with Last-Event-ID: nothing is missed, nothing repeated.",
                    "With --json each event is one line of JSON, as in /v1/events."})
    static final class Tail extends Verb {

        static final Duration FIRST_RETRY = Duration.ofMillis(500);
        static final Duration LONGEST_RETRY = Duration.ofSeconds(15);

        @Option(names = "--type", paramLabel = "TYPE", split = ",",
                description = "Only these event types (e.g. execution.succeeded,execution.failed).")
        java.util.List<String> types;

        @Option(names = "--after", paramLabel = "POSITION",
                description = "Start right after this position instead of with the next new event.")
        Long after;

        @Option(names = "--count", paramLabel = "N", description = "Stop after N events.")
        Long count;

        @Override
        int execute() {
            if (count != null && count < 1 || after != null && after < 0) {
                throw Failure.usage("--count takes a number from 1 on, --after a position from 0 on");
            }
            String path = Api.query("/v1/events/stream",
                    Api.parameters("type", types == null ? null : String.join(",", types)));
            Long lastId = after;
            long printed = 0;
            boolean connectedOnce = false;
            Duration retry = FIRST_RETRY;
            while (count == null || printed < count) {
                Map<String, String> headers = new LinkedHashMap<>();
                if (lastId != null) {
                    headers.put("Last-Event-ID", Long.toString(lastId));
                }
                HttpResponse<InputStream> stream;
                try {
                    stream = api().open(path, "text/event-stream", headers);
                } catch (Failure failure) {
                    if (!connectedOnce || failure.exitCode() != ExitCode.UNREACHABLE && !failure.getMessage().startsWith("too_many_subscribers")) {
                        throw failure;
                    }
                    err().println("opsplane: " + failure.getMessage() + "; retrying in " + retry.toMillis() + " ms");
                    Outcome.sleep(retry);
                    retry = retry.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : retry.multipliedBy(2);
                    continue;
                }
                connectedOnce = true;
                retry = FIRST_RETRY;
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                    Event event = new Event();
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (!line.isEmpty()) {
                            event.add(line);
                            continue;
                        }
                        if (event.data.length() > 0) {
                            print(event);
                            printed++;
                            if (event.id != null) {
                                lastId = event.id;
                            }
                            if (count != null && printed >= count) {
                                return ExitCode.OK;
                            }
                        }
                        event = new Event();
                    }
                } catch (IOException e) {
                    // The connection dropped: reconnect below, resuming after the last event printed.
                }
                err().println("opsplane: the event stream closed; reconnecting"
                        + (lastId == null ? "" : " after position " + lastId));
                Outcome.sleep(retry);
            }
            return ExitCode.OK;
        }

        private void print(Event event) {
            String data = event.data.toString();
            if (json()) {
                out().println(data);
                out().flush();
                return;
            }
            JsonNode item = api().parse(new Api.Response("/v1/events/stream", 200, "application/json", null, null, data));
            out().println(String.join("  ", item.path("position").asText(), Views.time(item.get("timestamp")),
                    item.path("type").asText(), item.path("aggregateId").asText("-"), Views.actor(item.get("actor"))));
            out().flush();
        }

        /** One server-sent event being read: its id and its data lines. */
        private static final class Event {

            Long id;
            final StringBuilder data = new StringBuilder();

            void add(String line) {
                if (line.startsWith(":")) {
                    return;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                if (field.equals("data")) {
                    data.append(data.length() == 0 ? "" : "\n").append(value);
                } else if (field.equals("id")) {
                    try {
                        id = Long.parseLong(value.trim());
                    } catch (NumberFormatException e) {
                        id = null;
                    }
                }
            }
        }
    }
}
