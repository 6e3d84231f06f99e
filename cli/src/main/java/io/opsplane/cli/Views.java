package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.util.StringJoiner;

/** The readable forms of the API's documents: executions, plans, approval requests, tools. */
final class Views {

    private Views() {
    }

    /** {@code 2026-11-24T10:15:30.123Z} as {@code 2026-11-24 10:15:30}; absent as {@code -}. */
    static String time(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "-";
        }
        String text = value.asText();
        int dot = text.indexOf('.');
        String seconds = dot > 0 ? text.substring(0, dot) : text.replace("Z", "");
        return seconds.replace('T', ' ');
    }

    static String duration(JsonNode milliseconds) {
        if (milliseconds == null || !milliseconds.isNumber()) {
            return "-";
        }
        long ms = milliseconds.asLong();
        return ms < 1_000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    static String actor(JsonNode actor) {
        if (actor == null || actor.isNull() || actor.isMissingNode()) {
            return "-";
        }
        String name = actor.path("name").asText("-");
        return actor.hasNonNull("owner") ? name + " (for " + actor.path("owner").asText() + ")" : name;
    }

    /** A JSON value in one line, or {@code -}. */
    static String compact(JsonNode value) {
        return value == null || value.isNull() || value.isMissingNode() ? "-" : value.toString();
    }

    static void field(PrintStream out, String name, String value) {
        if (value != null && !value.equals("-")) {
            out.printf("%-12s %s%n", name + ":", value);
        }
    }

    static void execution(PrintStream out, JsonNode execution) {
        out.println("Execution " + execution.path("executionId").asText() + "  " + execution.path("tool").asText()
                + " " + execution.path("toolVersion").asText() + "  " + execution.path("status").asText().toUpperCase());
        field(out, "mode", execution.path("mode").asText("-"));
        field(out, "actor", actor(execution.get("actor")));
        field(out, "reason", execution.path("reason").asText("-"));
        field(out, "input", compact(execution.get("input")));
        field(out, "output", compact(execution.get("output")));
        if (execution.hasNonNull("error")) {
            field(out, "error", execution.path("error").path("code").asText() + ": "
                    + execution.path("error").path("message").asText());
        }
        field(out, "approval", execution.path("approvalRequestId").asText("-"));
        field(out, "created", time(execution.get("createdAt")));
        field(out, "started", time(execution.get("startedAt")));
        field(out, "finished", time(execution.get("finishedAt")));
        field(out, "duration", duration(execution.get("durationMs")));
        field(out, "position", execution.path("position").asText("-"));
        if (execution.path("plan").isObject()) {
            plan(out, execution.get("plan"));
        }
        if (execution.path("steps").isArray() && !execution.path("steps").isEmpty()) {
            out.println();
            Table steps = Table.of("STEP", "STATUS", "ERROR");
            execution.path("steps").forEach(step -> steps.row(step.path("name").asText(), step.path("status").asText(),
                    step.hasNonNull("error") ? step.path("error").path("code").asText() : null));
            steps.print(out);
        }
        if (execution.path("timeline").isArray()) {
            out.println();
            Table timeline = Table.of("POSITION", "TIME", "EVENT");
            execution.path("timeline").forEach(event -> timeline.row(event.path("position").asText(),
                    time(event.get("timestamp")), event.path("type").asText()));
            timeline.print(out);
        }
    }

    /** A plan's effects in words, one numbered line each, and its digest. */
    static void plan(PrintStream out, JsonNode plan) {
        JsonNode effects = plan.path("effects");
        out.println(effects.isEmpty() ? "The plan has no effects." : "The plan:");
        int number = 1;
        for (JsonNode effect : effects) {
            StringBuilder line = new StringBuilder("  ").append(number++).append(". ")
                    .append(effect.path("action").asText());
            if (effect.hasNonNull("target")) {
                line.append(' ').append(effect.path("target").asText());
            }
            if (effect.hasNonNull("description")) {
                line.append(" — ").append(effect.path("description").asText());
            }
            out.println(line);
        }
        field(out, "digest", plan.path("digest").asText("-"));
    }

    static void approvalRequest(PrintStream out, JsonNode request) {
        out.println("Approval request " + request.path("id").asText() + "  " + request.path("tool").asText() + " "
                + request.path("toolVersion").asText() + "  " + request.path("status").asText().toUpperCase());
        field(out, "requested", actor(request.get("requestedBy")) + " at " + time(request.get("createdAt")));
        field(out, "reason", request.path("reason").asText("-"));
        field(out, "input", compact(request.get("input")));
        field(out, "approvals", request.path("approvals").size() + " of " + request.path("minApprovals").asText("?"));
        for (JsonNode approval : request.path("approvals")) {
            field(out, "  approved", actor(approval.get("by")) + " at " + time(approval.get("at"))
                    + (approval.hasNonNull("comment") ? ": " + approval.path("comment").asText() : ""));
        }
        if (request.hasNonNull("rejection")) {
            JsonNode rejection = request.get("rejection");
            field(out, "rejected", actor(rejection.get("by")) + " at " + time(rejection.get("at")) + ": "
                    + rejection.path("reason").asText());
        }
        field(out, "expires", time(request.get("expiresAt")));
        field(out, "execution", request.path("executionId").asText("-"));
        field(out, "payload", request.path("payloadHash").asText("-"));
        if (request.path("plan").isObject()) {
            plan(out, request.get("plan"));
        }
    }

    /** The approval policy of a tool in words. */
    static String approvalPolicy(JsonNode approval) {
        StringJoiner words = new StringJoiner("; ");
        if (approval.path("required").asBoolean(false)) {
            words.add("always, " + approvals(approval.path("minApprovals").asInt(1)));
        }
        for (JsonNode rule : approval.path("rules")) {
            words.add(approvals(rule.path("minApprovals").asInt(1)) + " when " + rule.path("field").asText() + " "
                    + operator(rule.path("op").asText()) + " " + rule.path("value"));
        }
        if (words.length() == 0) {
            return "not needed";
        }
        return words + " (expires after " + approval.path("expiresAfter").asText("PT24H") + ")";
    }

    static String approvalSummary(JsonNode approval) {
        if (approval.path("required").asBoolean(false)) {
            return "always";
        }
        return approval.path("rules").isEmpty() ? "no" : "by input";
    }

    private static String approvals(int count) {
        return count + (count == 1 ? " approval" : " approvals");
    }

    private static String operator(String op) {
        return switch (op) {
            case "gt" -> ">";
            case "gte" -> ">=";
            case "lt" -> "<";
            case "lte" -> "<=";
            case "eq" -> "=";
            default -> op;
        };
    }
}
