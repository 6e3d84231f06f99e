package io.opsplane.query.approval;

import io.opsplane.api.apikey.Scope;
import io.opsplane.api.approval.ApprovalStatus;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.auth.RequiresScope;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.query.consistency.ReadYourWrites;
import io.opsplane.query.index.Documents;
import io.opsplane.query.web.QueryParameters;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Approval requests for requesters and approvers: one with its history, pages newest first, and
 * with {@code status=pending} the inbox, soonest-expiring first.
 */
@RestController
@RequestMapping(path = "/v1/approval-requests", produces = MediaType.APPLICATION_JSON_VALUE)
class ApprovalController {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final ApprovalStore store;
    private final ReadYourWrites readYourWrites;
    private final JsonMapper json;

    ApprovalController(ApprovalStore store, ReadYourWrites readYourWrites, JsonMapper json) {
        this.store = store;
        this.readYourWrites = readYourWrites;
        this.json = json;
    }

    @GetMapping("/{requestId}")
    @RequiresScope({Scope.APPROVALS_REQUEST, Scope.APPROVALS_APPROVE})
    CompletableFuture<JsonNode> get(@PathVariable String requestId, @RequestParam(required = false) String minPosition,
                 AuthenticatedKey key) {
        return readYourWrites.then(ApprovalProjection.PROCESSING_GROUP,
                QueryParameters.position("minPosition", minPosition), () -> {
            // A request for a tool outside the key's patterns is answered as if it did not exist.
            ApprovalDocument document = store.findById(requestId).filter(d -> key.mayUseTool(d.tool()))
                    .orElseThrow(() -> ApiException.notFound("approval_request_not_found",
                            "no approval request with id " + requestId));
            ObjectNode request = (ObjectNode) json.readTree(document.view());
            request.set("history", json.readTree(document.history()));
            return request;
        });
    }

    @GetMapping
    @RequiresScope({Scope.APPROVALS_REQUEST, Scope.APPROVALS_APPROVE})
    CompletableFuture<ApprovalPage> list(ListParameters parameters, AuthenticatedKey key) {
        String status = QueryParameters.text(parameters.status()).map(ApprovalController::status).orElse(null);
        String tool = QueryParameters.text(parameters.tool()).orElse(null);
        int limit = QueryParameters.limit(parameters.limit(), DEFAULT_LIMIT, MAX_LIMIT);
        boolean inbox = "pending".equals(status);
        ApprovalCursor after = QueryParameters.text(parameters.cursor()).map(ApprovalCursor::decode).orElse(null);
        if (after != null && after.inbox() != inbox) {
            throw ApiException.invalidParameter("cursor", "'cursor' belongs to a listing in another order");
        }
        return readYourWrites.then(ApprovalProjection.PROCESSING_GROUP,
                QueryParameters.position("minPosition", parameters.minPosition()), () -> {
            Documents.Slice<ApprovalDocument> slice = store.page(status, tool, after, limit, key::mayUseTool);
            List<ApprovalDocument> found = slice.items();
            List<ApprovalDocument> page = found.subList(0, Math.min(found.size(), limit));
            String nextCursor = null;
            if (found.size() > limit) {
                ApprovalDocument last = page.get(page.size() - 1);
                nextCursor = new ApprovalCursor(inbox, inbox ? last.expiresAtMillis() : last.createdPosition(), last.id())
                        .encode();
            } else if (slice.resumeAfter() != null) {
                nextCursor = new ApprovalCursor(inbox, slice.resumeAfter().key(), slice.resumeAfter().id()).encode();
            }
            return new ApprovalPage(page.stream().map(d -> json.readTree(d.view())).toList(), nextCursor);
        });
    }

    private static String status(String value) {
        return Arrays.stream(ApprovalStatus.values()).map(ApprovalStatus::wireName).filter(value::equals).findFirst()
                .orElseThrow(() -> ApiException.invalidParameter("status", "'status' must be one of "
                        + Arrays.stream(ApprovalStatus.values()).map(ApprovalStatus::wireName)
                        .collect(Collectors.joining(", "))));
    }

    /** The query parameters of a list request, as sent. */
    record ListParameters(String status, String tool, String limit, String cursor, String minPosition) {
    }

    /** One page of approval requests; {@code nextCursor} is null on the last page. */
    record ApprovalPage(List<JsonNode> items, String nextCursor) {
    }
}
