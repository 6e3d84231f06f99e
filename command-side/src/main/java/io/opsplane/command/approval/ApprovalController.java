package io.opsplane.command.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.opsplane.api.apikey.Scope;
import io.opsplane.api.approval.ApprovalRequestView;
import io.opsplane.command.tool.ToolJson;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.auth.RequiresScope;
import io.opsplane.platform.problem.InvalidInputException;
import io.opsplane.platform.request.IdempotencyKeys;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;

/**
 * The decisions on approval requests. Executing an approved request is
 * {@code POST /v1/approval-requests/{id}/execute}, served with the executions because it answers as
 * executing does. Reads are on the query side.
 */
@RestController
@RequestMapping(path = "/v1/approval-requests", produces = MediaType.APPLICATION_JSON_VALUE)
class ApprovalController {

    private static final int MAX_TEXT_LENGTH = 2000;

    private final ApprovalRequests approvals;

    ApprovalController(ApprovalRequests approvals) {
        this.approvals = approvals;
    }

    /** @param reason why the tool should run; required, shown to approvers and recorded */
    record CreateRequest(@NotBlank String tool, Object input, @NotBlank @Size(max = MAX_TEXT_LENGTH) String reason) {
    }

    record ApproveRequest(@Size(max = MAX_TEXT_LENGTH) String comment) {
    }

    record RejectRequest(@NotBlank @Size(max = MAX_TEXT_LENGTH) String reason) {
    }

    record CancelRequest(@Size(max = MAX_TEXT_LENGTH) String reason) {
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @RequiresScope(Scope.APPROVALS_REQUEST)
    ResponseEntity<ApprovalRequestView> create(@Valid @RequestBody CreateRequest request,
                                               @RequestHeader(name = "Idempotency-Key", required = false)
                                               String idempotencyKey,
                                               AuthenticatedKey key) {
        String idempotency = IdempotencyKeys.fromHeader(idempotencyKey);
        JsonNode input = request.input() == null ? JsonNodeFactory.instance.objectNode()
                : ToolJson.MAPPER.valueToTree(request.input());
        ApprovalRequestView created = approvals.create(request.tool(), input, request.reason(), key, idempotency);
        return ResponseEntity.status(HttpStatus.CREATED)
                .location(URI.create("/v1/approval-requests/" + created.id())).body(created);
    }

    @PostMapping("/{requestId}/approve")
    @RequiresScope(Scope.APPROVALS_APPROVE)
    ApprovalRequestView approve(@PathVariable String requestId,
                                @Valid @RequestBody(required = false) ApproveRequest request, AuthenticatedKey key) {
        String comment = request == null ? null : request.comment();
        return approvals.approve(requestId, key, comment);
    }

    @PostMapping("/{requestId}/reject")
    @RequiresScope(Scope.APPROVALS_APPROVE)
    ApprovalRequestView reject(@PathVariable String requestId,
                               @Valid @RequestBody(required = false) RejectRequest request, AuthenticatedKey key) {
        if (request == null) {
            throw new InvalidInputException("/reason", "is required");
        }
        return approvals.reject(requestId, key, request.reason());
    }

    /** Any scope that can open a request may withdraw it; the aggregate admits only the requester or an admin. */
    @PostMapping("/{requestId}/cancel")
    @RequiresScope({Scope.APPROVALS_REQUEST, Scope.TOOLS_EXECUTE, Scope.APPROVALS_APPROVE})
    ApprovalRequestView cancel(@PathVariable String requestId,
                               @Valid @RequestBody(required = false) CancelRequest request, AuthenticatedKey key) {
        String reason = request == null ? null : request.reason();
        return approvals.cancel(requestId, key, reason);
    }
}
