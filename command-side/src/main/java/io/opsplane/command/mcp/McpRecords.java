package io.opsplane.command.mcp;

import io.opsplane.api.apikey.Scope;
import io.opsplane.api.approval.ApprovalRequestView;
import io.opsplane.api.audit.EventNames;
import io.opsplane.api.execution.ExecutionView;
import io.opsplane.command.approval.ApprovalRequests;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.problem.ApiException;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executions and approval requests as MCP shows them ({@code opsplane.execution},
 * {@code opsplane.approval} and the {@code opsplane://} resources): read from their own event
 * streams, so an agent sees what is stored now, and rendered by the web layer's mapper, so the JSON
 * is the REST API's.
 *
 * <p>Who may read: an execution, a key with {@code logs:read} or of the principal that started it;
 * an approval request, a key with {@code approvals:request} or {@code approvals:approve}, or of the
 * principal that opened it.
 */
@Component
class McpRecords {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final ExecutionDoor executions;
    private final ApprovalRequests approvals;
    private final EventStore events;
    private final JsonMapper json;

    McpRecords(ExecutionDoor executions, ApprovalRequests approvals, EventStore events, JsonMapper json) {
        this.executions = executions;
        this.approvals = approvals;
        this.events = events;
        this.json = json;
    }

    Map<String, Object> execution(String executionId, AuthenticatedKey key) {
        ExecutionView view = executions.await(executionId, Duration.ZERO)
                .map(outcome -> outcome.execution().view())
                .orElseThrow(() -> ApiException.notFound("execution_not_found", "no execution with id " + executionId));
        boolean own = view.actor() != null && key.principal().equals(view.actor().name());
        if (!own && !key.hasScope(Scope.LOGS_READ)) {
            throw ApiException.forbidden("forbidden",
                    "reading another principal's execution needs the scope " + Scope.LOGS_READ.wireName());
        }
        Map<String, Object> execution = asMap(view);
        execution.put("timeline", timeline(executionId));
        return execution;
    }

    Map<String, Object> approvalRequest(String requestId, AuthenticatedKey key) {
        ApprovalRequestView request = approvals.get(requestId);
        boolean own = request.requestedBy() != null && key.principal().equals(request.requestedBy().name());
        if (!own && !key.hasScope(Scope.APPROVALS_REQUEST) && !key.hasScope(Scope.APPROVALS_APPROVE)) {
            throw ApiException.forbidden("forbidden", "reading another principal's approval request needs the scope "
                    + Scope.APPROVALS_REQUEST.wireName() + " or " + Scope.APPROVALS_APPROVE.wireName());
        }
        return asMap(request);
    }

    /** What the approval request behind a pending execution adds for an agent: when it expires, how many must approve. */
    ApprovalRequestView pendingRequest(String requestId) {
        return approvals.get(requestId);
    }

    Map<String, Object> asMap(Object value) {
        return new LinkedHashMap<>(json.convertValue(value, MAP));
    }

    String asJson(Object value) {
        return json.writeValueAsString(value);
    }

    /** The execution's events in order: public type, sequence and time (payloads stay in the audit log). */
    private List<Map<String, Object>> timeline(String executionId) {
        List<Map<String, Object>> entries = new ArrayList<>();
        DomainEventStream stream = events.readEvents(executionId);
        while (stream.hasNext()) {
            DomainEventMessage<?> event = stream.next();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", EventNames.of(event.getPayloadType()).orElse(event.getPayloadType().getSimpleName()));
            entry.put("sequence", event.getSequenceNumber());
            entry.put("timestamp", event.getTimestamp().truncatedTo(ChronoUnit.MILLIS).toString());
            entries.add(entry);
        }
        return entries;
    }
}
