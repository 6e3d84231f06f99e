package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

@Command(name = "keys", mixinStandardHelpOptions = true, description = "Issue, list and revoke API keys (scope admin).",
        subcommands = {KeysCommand.Issue.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand extends VerbGroup {

    @Command(name = "issue", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Issue a key. The key itself is printed once, here, and never again: store it now.",
                    "With --json the API's answer is printed as it is (it holds the key)."})
    static final class Issue extends Verb {

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "What the key is for.")
        String name;

        @Option(names = "--principal", required = true, paramLabel = "PRINCIPAL",
                description = "Who acts with it: a person's e-mail or agent:NAME.")
        String principal;

        @Option(names = "--kind", defaultValue = "human", paramLabel = "human|agent", description = "Default ${DEFAULT-VALUE}.")
        String kind;

        @Option(names = "--owner", paramLabel = "PRINCIPAL", description = "The accountable person of an agent key.")
        String owner;

        @Option(names = "--scope", required = true, split = ",", paramLabel = "SCOPE",
                description = "tools:read, tools:plan, tools:execute, approvals:request, approvals:approve, logs:read,"
                        + " metrics:read or admin; repeat or separate with commas.")
        List<String> scopes = new ArrayList<>();

        @Option(names = "--tool", split = ",", paramLabel = "PATTERN",
                description = "Limit the key to these tools (a name or a prefix ending in .*).")
        List<String> tools;

        @Option(names = "--expires-at", paramLabel = "INSTANT", description = "When the key stops working (ISO-8601).")
        String expiresAt;

        @Option(names = "--per-minute", paramLabel = "N", description = "The key's own rate limit (with --burst).")
        Integer perMinute;

        @Option(names = "--burst", paramLabel = "N", description = "The key's own burst (with --per-minute).")
        Integer burst;

        @Override
        int execute() {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("name", name).put("principal", principal)
                    .put("kind", kind);
            if (owner != null) {
                body.put("owner", owner);
            }
            scopes.forEach(body.putArray("scopes")::add);
            if (tools != null) {
                ArrayNode patterns = body.putArray("tools");
                tools.forEach(patterns::add);
            }
            if (expiresAt != null) {
                body.put("expiresAt", expiresAt);
            }
            if (perMinute != null || burst != null) {
                if (perMinute == null || burst == null) {
                    throw Failure.usage("--per-minute and --burst go together");
                }
                body.putObject("rateLimit").put("perMinute", perMinute).put("burst", burst);
            }
            JsonNode issued = answer(api().expect(api().post("/v1/api-keys", body), 201));
            if (!json()) {
                out().println("Issued key " + issued.path("id").asText() + " (" + issued.path("prefix").asText() + "…"
                        + issued.path("lastFour").asText() + ") for " + issued.path("principal").asText() + ", scopes "
                        + String.join(",", texts(issued.path("scopes"))) + ".");
                out().println("The key, shown only now:");
                out().println(issued.path("key").asText());
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
            description = "List keys, newest first (never the keys themselves).")
    static final class ListKeys extends Verb {

        @Option(names = "--status", paramLabel = "STATUS", description = "Only active, revoked or expired keys.")
        String status;

        @Option(names = "--principal", paramLabel = "PRINCIPAL", description = "Only this principal's keys.")
        String principal;

        @Mixin
        Paging paging;

        @Override
        int execute() {
            JsonNode page = answer(api().expect(api().get(Api.query("/v1/api-keys", Api.parameters("status", status,
                    "principal", principal, "limit", paging.limit, "cursor", paging.cursor))), 200));
            if (!json()) {
                Table table = Table.of("ID", "NAME", "PRINCIPAL", "KIND", "SCOPES", "KEY", "STATUS", "CREATED");
                page.path("items").forEach(key -> table.row(key.path("id").asText(), key.path("name").asText(),
                        key.path("principal").asText(), key.path("kind").asText(),
                        String.join(",", texts(key.path("scopes"))),
                        key.path("prefix").asText() + "…" + key.path("lastFour").asText(), key.path("status").asText(),
                        Views.time(key.get("createdAt"))));
                Pages.print(this, table, page, "keys");
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a key at once, on every instance.")
    static final class Revoke extends Verb {

        @Parameters(index = "0", paramLabel = "ID", description = "The key's id (not the key).")
        String id;

        @Override
        int execute() {
            api().expect(api().delete("/v1/api-keys/" + Api.segment(id)), 204);
            if (!json()) {
                out().println("Revoked key " + id + ".");
            }
            return ExitCode.OK;
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(value -> texts.add(value.asText()));
        return texts;
    }
}
