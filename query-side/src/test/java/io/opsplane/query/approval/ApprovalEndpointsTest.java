package io.opsplane.query.approval;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.approval.ApprovalRequestedEvent;
import io.opsplane.api.approval.RequestApprovedEvent;
import io.opsplane.api.approval.RequestExecutedEvent;
import io.opsplane.api.approval.RequestExpiredEvent;
import io.opsplane.api.approval.RequestRejectedEvent;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.execution.Plan;
import io.opsplane.api.execution.ToolRef;
import io.opsplane.query.support.QuerySideUnderTest;
import io.opsplane.query.support.QuerySideUnderTest.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /v1/approval-requests} over HTTP, projected from approval events appended to the store. */
class ApprovalEndpointsTest {

    private static final String AGGREGATE = "ApprovalRequest";
    private static final Actor AGENT = new Actor("key_bot", "agent:bot", ActorKind.AGENT, "alice@example.com");
    private static final Actor BOB = new Actor("key_bob", "bob@example.com", ActorKind.HUMAN, null);
    private static final Instant NOW = Instant.now();

    private static QuerySideUnderTest querySide;
    private static String approverKey;
    private static String readerKey;
    private static long head;

    @BeforeAll
    static void start() {
        querySide = QuerySideUnderTest.start();
        approverKey = querySide.issueKey("bob@example.com", "approvals:approve");
        readerKey = querySide.issueKey("eve@example.com", "logs:read");
        querySide.append(AGGREGATE, "apr_done", NOW, requested("apr_done", "billing.refund", 3600),
                new RequestApprovedEvent("apr_done", BOB, "fine", 1, true),
                new RequestExecutedEvent("apr_done", AGENT, "ex_done"));
        querySide.append(AGGREGATE, "apr_rejected", NOW, requested("apr_rejected", "billing.refund", 3600),
                new RequestRejectedEvent("apr_rejected", BOB, "too much"));
        querySide.append(AGGREGATE, "apr_lapsed", NOW, requested("apr_lapsed", "test.tool", 1),
                new RequestExpiredEvent("apr_lapsed", NOW.plusSeconds(1), "not executed in time"));
        for (int i = 0; i < 5; i++) {
            querySide.append(AGGREGATE, "apr_pending_" + i, NOW, requested("apr_pending_" + i, "test.tool", 600 - i * 60));
        }
        head = querySide.headPosition();
    }

    @AfterAll
    static void stop() {
        querySide.close();
    }

    private static ApprovalRequestedEvent requested(String id, String tool, int expiresInSeconds) {
        return new ApprovalRequestedEvent(id, new ToolRef(tool, "1.0.0", "sha256:s", true, 1000),
                Map.of("amount", 600000), "sha256:payload", new Plan(List.of(new Effect("a", "t", "d", Map.of())),
                "sha256:plan"), "customer asked", AGENT, 1, NOW.plusSeconds(expiresInSeconds), null, "sha256:r");
    }

    @Test
    void showsARequestWithItsWholeHistoryAfterItEnded() {
        Response response = querySide.get("/v1/approval-requests/apr_done?minPosition=" + head, approverKey);

        assertThat(response.status()).isEqualTo(200);
        JsonNode request = response.body();
        assertThat(request.path("status").asString()).isEqualTo("executed");
        assertThat(request.path("executionId").asString()).isEqualTo("ex_done");
        assertThat(request.path("approvals").get(0).path("by").path("name").asString()).isEqualTo("bob@example.com");
        assertThat(request.path("approvals").get(0).path("comment").asString()).isEqualTo("fine");
        assertThat(request.path("payloadHash").asString()).isEqualTo("sha256:payload");
        assertThat(request.path("plan").path("digest").asString()).isEqualTo("sha256:plan");
        List<String> types = new ArrayList<>();
        request.path("history").forEach(entry -> types.add(entry.path("type").asString()));
        assertThat(types).containsExactly("approval.requested", "approval.approved", "approval.executed");
        assertThat(request.path("history").get(2).path("payload").path("by").path("name").asString())
                .isEqualTo("agent:bot");

        JsonNode lapsed = querySide.get("/v1/approval-requests/apr_lapsed", approverKey).body();
        assertThat(lapsed.path("status").asString()).isEqualTo("expired");
        assertThat(lapsed.path("history").get(1).path("payload").path("reason").asString())
                .isEqualTo("not executed in time");
        JsonNode rejected = querySide.get("/v1/approval-requests/apr_rejected", approverKey).body();
        assertThat(rejected.path("rejection").path("reason").asString()).isEqualTo("too much");
    }

    @Test
    void thePendingInboxListsSoonestExpiringFirstAcrossPages() {
        Set<String> seen = new HashSet<>();
        List<Instant> expiries = new ArrayList<>();
        String cursor = null;
        do {
            Response page = querySide.get("/v1/approval-requests?status=pending&limit=2&minPosition=" + head
                    + (cursor == null ? "" : "&cursor=" + cursor), approverKey);
            assertThat(page.status()).isEqualTo(200);
            page.body().path("items").forEach(item -> {
                assertThat(seen.add(item.path("id").asString())).isTrue();
                assertThat(item.path("status").asString()).isEqualTo("pending");
                expiries.add(Instant.parse(item.path("expiresAt").asString()));
            });
            cursor = page.body().path("nextCursor").isNull() ? null : page.body().path("nextCursor").asString();
        } while (cursor != null);

        assertThat(seen).hasSize(5);
        assertThat(expiries).isSorted();
    }

    @Test
    void filtersByToolAndStatus() {
        Response refunds = querySide.get("/v1/approval-requests?tool=billing.refund&minPosition=" + head, approverKey);
        assertThat(refunds.body().path("items")).hasSize(2);
        Response rejected = querySide.get("/v1/approval-requests?status=rejected", approverKey);
        assertThat(rejected.body().path("items")).hasSize(1);
        assertThat(querySide.get("/v1/approval-requests?status=maybe", approverKey).code()).isEqualTo("invalid_parameter");
    }

    @Test
    void unknownRequestsAreNotFoundAndReadersWithoutApprovalScopesForbidden() {
        Response missing = querySide.get("/v1/approval-requests/apr_missing", approverKey);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("approval_request_not_found");
        assertThat(querySide.get("/v1/approval-requests", readerKey).status()).isEqualTo(403);
    }

    /** A key limited to tool patterns sees only the requests of those tools, listed or by id (issue 11). */
    @Test
    void aKeyLimitedToToolPatternsSeesOnlyTheRequestsOfThoseTools() {
        String emailOnly = querySide.issueKeyForTools("erin@example.com", List.of("email.*"), "approvals:approve");
        String billing = querySide.issueKeyForTools("fred@example.com", List.of("billing.*"), "approvals:request");
        String mixed = querySide.issueKeyForTools("gina@example.com", List.of("email.*", "test.tool"),
                "approvals:approve");

        Response none = querySide.get("/v1/approval-requests?minPosition=" + head, emailOnly);
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.body().path("items")).isEmpty();
        Response hidden = querySide.get("/v1/approval-requests/apr_done", emailOnly);
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.code()).isEqualTo("approval_request_not_found");
        assertThat(querySide.get("/v1/approval-requests?tool=billing.refund", emailOnly).body().path("items"))
                .isEmpty();

        assertThat(ids(billing, "/v1/approval-requests?limit=1")).containsExactlyInAnyOrder("apr_done", "apr_rejected");
        assertThat(querySide.get("/v1/approval-requests/apr_done", billing).status()).isEqualTo(200);
        assertThat(querySide.get("/v1/approval-requests/apr_lapsed", billing).status()).isEqualTo(404);

        assertThat(ids(mixed, "/v1/approval-requests?limit=2")).hasSize(6)
                .allMatch(id -> id.startsWith("apr_pending_") || id.equals("apr_lapsed"));
        assertThat(ids(mixed, "/v1/approval-requests?status=pending&limit=2")).hasSize(5);
    }

    /** Every id of every page of {@code path}, followed by its cursors. */
    private static List<String> ids(String key, String path) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            Response page = querySide.get(path + "&minPosition=" + head + (cursor == null ? "" : "&cursor=" + cursor),
                    key);
            assertThat(page.status()).isEqualTo(200);
            page.body().path("items").forEach(item -> ids.add(item.path("id").asString()));
            cursor = page.body().path("nextCursor").isNull() ? null : page.body().path("nextCursor").asString();
        } while (cursor != null);
        return ids;
    }
}
