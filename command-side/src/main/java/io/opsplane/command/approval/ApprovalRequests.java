package io.opsplane.command.approval;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.Principals;
import io.opsplane.api.approval.ApprovalRequestView;
import io.opsplane.api.approval.ApprovalRequestedEvent;
import io.opsplane.api.approval.ApproveRequestCommand;
import io.opsplane.api.approval.CancelRequestCommand;
import io.opsplane.api.approval.ExecuteRequestCommand;
import io.opsplane.api.approval.RejectRequestCommand;
import io.opsplane.api.approval.RequestApprovalCommand;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.execution.Plan;
import io.opsplane.api.execution.RequestExecutionCommand;
import io.opsplane.api.execution.ToolRef;
import io.opsplane.api.refusal.Refusal;
import io.opsplane.command.tool.ApprovalRequirement;
import io.opsplane.command.tool.CanonicalJson;
import io.opsplane.command.tool.SecretRedactor;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolDescriptor;
import io.opsplane.command.tool.ToolFailure;
import io.opsplane.command.tool.ToolJson;
import io.opsplane.command.tool.ToolRegistry;
import io.opsplane.command.tool.ToolRequests;
import io.opsplane.api.execution.ExecutionMode;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.problem.ApiException;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.stereotype.Service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The approval requests of the command side: opens them (from {@code POST /v1/approval-requests}
 * or from an execution that needs approval), sends the decisions, and claims an approved request
 * for its one execution. Everything decided is decided by the {@link ApprovalRequest} aggregate.
 */
@Service
public class ApprovalRequests {

    /** Commands that lose a race for the aggregate are re-sent on the new state, this many times at most. */
    private static final int MAX_ATTEMPTS = 8;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final ToolRegistry registry;
    private final ToolRequests requests;
    private final CommandGateway commands;
    private final ApprovalReader reader;
    private final Clock clock;
    private final LocalExecutions executing = new LocalExecutions();

    ApprovalRequests(ToolRegistry registry, ToolRequests requests, CommandGateway commands, ApprovalReader reader,
                     Clock clock) {
        this.registry = registry;
        this.requests = requests;
        this.commands = commands;
        this.reader = reader;
        this.clock = clock;
    }

    /** {@code POST /v1/approval-requests}: checks the tool and the input like an execution does, then opens. */
    ApprovalRequestView create(String toolName, JsonNode input, String reason, AuthenticatedKey key,
                               String idempotencyKey) {
        Tool tool = requests.check(toolName, input, key, null).tool();
        return open(tool, input, reason, key, idempotencyKey);
    }

    /**
     * Opens a request for an input already validated against the tool. With an idempotency key the
     * request id is derived from (API key, idempotency key): a retry finds the request it opened.
     */
    public ApprovalRequestView open(Tool tool, JsonNode input, String reason, AuthenticatedKey key,
                                    String idempotencyKey) {
        if (reason == null || reason.isBlank()) {
            throw ApprovalRefusals.reasonRequired();
        }
        ToolDescriptor descriptor = tool.descriptor();
        JsonNode redacted = SecretRedactor.redact(input, descriptor.secretFields());
        ToolRef ref = ToolRegistry.refOf(descriptor);
        String requestId = idempotencyKey == null ? "apr_" + UUID.randomUUID().toString().replace("-", "")
                : "apr_" + sha256Hex(key.keyId() + "\n" + idempotencyKey);
        String requestHash = requestHash(ref, redacted, reason);
        Instant expiresAt = clock.instant().plus(expiresAfter(tool));
        RequestApprovalCommand command = new RequestApprovalCommand(requestId, ref, ToolJson.MAPPER.convertValue(redacted, MAP),
                payloadHash(ref, redacted), plan(tool, input), reason, key.actor(),
                Math.max(1, ApprovalRequirement.requiredApprovals(descriptor.approval(), input)), expiresAt,
                idempotencyKey, requestHash);
        try {
            commands.sendAndWait(command);
        } catch (RuntimeException e) {
            if (!isConflict(e)) {
                throw unwrap(e);
            }
            ApprovalReader.Recorded existing = reader.read(requestId).orElseThrow(() -> e);
            if (!requestHashAs(existing.requestHash(), ref, redacted, reason).equals(existing.requestHash())) {
                throw new ApiException(422, "idempotency_key_reused", "Idempotency key reused",
                        "this Idempotency-Key was already used with a different request");
            }
        }
        return get(requestId);
    }

    public ApprovalRequestView get(String requestId) {
        return reader.read(requestId).map(ApprovalReader.Recorded::view).orElseThrow(() -> ApiException.notFound(
                "approval_request_not_found", "no approval request with id " + requestId));
    }

    /**
     * The request, for a key that may act on it: a key limited to tool patterns decides on, cancels and
     * runs only requests for those tools ({@code 403 forbidden}, as using the tool would be).
     */
    public ApprovalRequestView getFor(String requestId, AuthenticatedKey key) {
        ApprovalRequestView request = get(requestId);
        if (!key.mayUseTool(request.tool())) {
            throw ApiException.forbidden("forbidden", "this API key is not allowed to use " + request.tool());
        }
        return request;
    }

    ApprovalRequestView approve(String requestId, AuthenticatedKey key, String comment) {
        getFor(requestId, key);
        send(new ApproveRequestCommand(requestId, key.actor(), comment, clock.instant()));
        return get(requestId);
    }

    ApprovalRequestView reject(String requestId, AuthenticatedKey key, String reason) {
        getFor(requestId, key);
        send(new RejectRequestCommand(requestId, key.actor(), reason, clock.instant()));
        return get(requestId);
    }

    ApprovalRequestView cancel(String requestId, AuthenticatedKey key, String reason) {
        getFor(requestId, key);
        send(new CancelRequestCommand(requestId, key.actor(), key.isAdmin(), reason, clock.instant()));
        return get(requestId);
    }

    /**
     * Marks an approved request executed, once, after checking the submitted input against the pinned
     * payload and its plan against the approved digest. Only the caller that gets past this may
     * request the execution, and it does so under {@link #executionIdFor} so that a repeat after a
     * crash addresses the same execution.
     *
     * @return the claimed request, its tool and the redacted input to record
     */
    public Claim claim(String requestId, JsonNode input, AuthenticatedKey key) {
        ApprovalRequestView request = getFor(requestId, key);
        if (!key.isAdmin() && !Principals.same(key.principal(), request.requestedBy().name())) {
            throw ApprovalRefusals.notRequester("execute");
        }
        ToolRequests.Checked checked = requests.check(request.tool(), input, key, null,
                ApprovalRefusals::payloadMismatch);
        Tool tool = checked.tool();
        ToolRef ref = checked.ref();
        JsonNode redacted = checked.redacted();
        // Recomputed in the canonical form the request's digests were made in, so requests recorded before
        // CanonicalJson followed RFC 8785 still verify.
        String hash = payloadHashAs(request.payloadHash(), ref, redacted);
        // Only a matching payload is planned: a tampered input would otherwise be reported as drift.
        String digest = hash.equals(request.payloadHash())
                ? CanonicalJson.digestAs(request.plan() == null ? null : request.plan().digest(),
                        plan(tool, input).effects())
                : null;
        String executionId = executionIdFor(requestId);
        send(new ExecuteRequestCommand(requestId, key.actor(), key.isAdmin(), hash, digest, executionId,
                clock.instant()));
        return new Claim(get(requestId), tool, ref, ToolJson.MAPPER.convertValue(redacted, MAP), executionId);
    }

    /**
     * The one execution request of an executed approval request, built only from what the request
     * recorded (its pinned tool reference, redacted input and reason) and who executed it, so that
     * the caller of {@code /execute} and {@link ApprovedExecutions} after a crash send the same command.
     */
    public RequestExecutionCommand executionCommand(String requestId, Actor by) {
        ApprovalRequestedEvent requested = reader.requested(requestId).orElseThrow(() -> ApiException.notFound(
                "approval_request_not_found", "no approval request with id " + requestId));
        JsonNode input = ToolJson.MAPPER.valueToTree(requested.input());
        List<String> steps = registry.find(requested.tool().name()).map(Tool::steps).orElse(List.of());
        return new RequestExecutionCommand(executionIdFor(requestId), requested.tool(), requested.input(),
                requested.reason(), by, null, ToolRequests.executionHash(requested.tool().name(), ExecutionMode.EXECUTE,
                input, requested.reason()), requestId, steps);
    }

    /**
     * Marks an execute of {@code requestId} in progress in this process, until {@link #endExecution}: the
     * caller puts the run's secrets in memory between the claim and the execution request, and
     * {@link ApprovedExecutions} waits for that rather than request the run without them.
     */
    public void beginExecution(String requestId) {
        executing.begin(requestId);
    }

    public void endExecution(String requestId) {
        executing.end(requestId);
    }

    /** Waits until no execute of {@code requestId} is in progress in this process, at most {@code max}. */
    boolean awaitLocalExecutions(String requestId, Duration max) throws InterruptedException {
        return executing.awaitNone(requestId, max);
    }

    /** An approved request claimed for its execution. */
    public record Claim(ApprovalRequestView request, Tool tool, ToolRef ref, Map<String, Object> redactedInput,
                        String executionId) {
    }

    /** The one execution an approval request may have; derived, so no crash or race can make a second. */
    public static String executionIdFor(String requestId) {
        return "ex_" + sha256Hex("approval\n" + requestId);
    }

    /** {@code sha256:} over the canonical JSON of tool, tool version and the redacted input. */
    static String payloadHash(ToolRef ref, JsonNode redactedInput) {
        return CanonicalJson.digest(payload(ref, redactedInput));
    }

    /** As {@link #payloadHash}, in the canonical form {@code stored} was made in (see {@link CanonicalJson#digestAs}). */
    static String payloadHashAs(String stored, ToolRef ref, JsonNode redactedInput) {
        return CanonicalJson.digestAs(stored, payload(ref, redactedInput));
    }

    private static Map<String, Object> payload(ToolRef ref, JsonNode redactedInput) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("tool", ref.name());
        payload.put("toolVersion", ref.version());
        payload.put("input", redactedInput);
        return payload;
    }

    private static String requestHash(ToolRef ref, JsonNode redactedInput, String reason) {
        return CanonicalJson.digest(request(ref, redactedInput, reason));
    }

    private static String requestHashAs(String stored, ToolRef ref, JsonNode redactedInput, String reason) {
        return CanonicalJson.digestAs(stored, request(ref, redactedInput, reason));
    }

    private static Map<String, Object> request(ToolRef ref, JsonNode redactedInput, String reason) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("tool", ref.name());
        request.put("input", redactedInput);
        request.put("reason", reason);
        return request;
    }

    private Duration expiresAfter(Tool tool) {
        return Duration.parse(registry.specOf(tool).approval().expiresAfter());
    }

    private static Plan plan(Tool tool, JsonNode input) {
        try {
            List<Effect> effects = tool.plan(input);
            return new Plan(effects, CanonicalJson.digest(effects));
        } catch (ToolFailure failure) {
            throw new ApiException(422, "plan_failed", "Plan failed", failure.getMessage(),
                    Map.of("reason", failure.code()), Map.of());
        }
    }

    /**
     * Sends a decision. Within one process the aggregate's lock orders concurrent commands; between
     * processes the loser of an append conflict is sent again, so it is decided on the winner's state.
     */
    private void send(Object command) {
        for (int attempt = 1; ; attempt++) {
            try {
                commands.sendAndWait(command);
                return;
            } catch (RuntimeException e) {
                if (!isConflict(e) || attempt >= MAX_ATTEMPTS) {
                    throw unwrap(e);
                }
            }
        }
    }

    /** A refusal the command bus wrapped is thrown as the aggregate threw it, so that it is answered alike. */
    private static RuntimeException unwrap(RuntimeException e) {
        if (e instanceof CommandExecutionException
                && (e.getCause() instanceof ApiException || e.getCause() instanceof Refusal)) {
            return (RuntimeException) e.getCause();
        }
        return e;
    }

    private static boolean isConflict(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof AggregateStreamCreationException || t instanceof ConcurrencyException) {
                return true;
            }
        }
        return false;
    }

    private static String sha256Hex(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
