package io.opsplane.command.execution;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsplane.api.apikey.Principals;
import io.opsplane.api.apikey.Scope;
import io.opsplane.api.approval.ApprovalRequestView;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.execution.ExecutionMode;
import io.opsplane.api.execution.ExecutionStatus;
import io.opsplane.api.execution.ExecutionView;
import io.opsplane.api.execution.Plan;
import io.opsplane.api.execution.PlanExecutionCommand;
import io.opsplane.api.execution.RequestAndStartExecutionCommand;
import io.opsplane.api.execution.RequestExecutionCommand;
import io.opsplane.api.execution.RetryExecutionCommand;
import io.opsplane.api.execution.ToolRef;
import io.opsplane.api.refusal.Refusal;
import io.opsplane.api.refusal.RefusalReason;
import io.opsplane.command.approval.ApprovalRequests;
import io.opsplane.command.budget.BudgetEscalation;
import io.opsplane.command.budget.BudgetGuard;
import io.opsplane.command.tool.ApprovalRequirement;
import io.opsplane.command.tool.CanonicalJson;
import io.opsplane.command.tool.SecretRedactor;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolDescriptor;
import io.opsplane.command.tool.ToolFailure;
import io.opsplane.command.tool.ToolJson;
import io.opsplane.command.tool.ToolRegistry;
import io.opsplane.command.tool.ToolRequests;
import io.opsplane.platform.auth.AuthenticatedKey;
import io.opsplane.platform.problem.ApiException;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.stereotype.Service;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.concurrent.TimeUnit;

/**
 * Accepts execution and plan requests: checks the tool request ({@link ToolRequests}), records the
 * request through the aggregate, runs it on this node at once ({@link ToolRunner#runAccepted}) and
 * answers with a future of the outcome, so no thread waits for it. Idempotency rests on the derived execution id:
 * a second create of the same aggregate fails in the store, and the existing execution answers.
 */
@Service
public class ExecutionService {

    /** The longest {@code reason} a request may carry, whatever door it came through. */
    public static final int MAX_REASON_LENGTH = 2000;


    private final ToolRegistry registry;
    private final ToolRequests requests;
    private final ToolRunner runner;
    private final CommandGateway commands;
    private final ExecutionReader reader;
    private final ExecutionWaiter waiter;
    private final SecretVault vault;
    /** Per-tool rate limits and budgets (issue 7); a field so that this class's constructor stays the runtime's. */
    @org.springframework.beans.factory.annotation.Autowired
    private io.opsplane.command.ratelimit.ExecutionAdmission admission;
    /** Approval requests (issue 5); a field for the same reason. */
    @org.springframework.beans.factory.annotation.Autowired
    private ApprovalRequests approvals;
    /** Budgets, for an approved execution that an escalate budget would send to approval again. */
    @org.springframework.beans.factory.annotation.Autowired
    private BudgetGuard budgets;

    ExecutionService(ToolRegistry registry, ToolRequests requests, CommandGateway commands,
                     ExecutionReader reader, ExecutionWaiter waiter, SecretVault vault, ToolRunner runner) {
        this.registry = registry;
        this.requests = requests;
        this.runner = runner;
        this.commands = commands;
        this.reader = reader;
        this.waiter = waiter;
        this.vault = vault;
    }

    /** A request, already parsed: tool name, raw input, mode, reason and the optional idempotency key. */
    public record Submission(String tool, JsonNode input, ExecutionMode mode, String reason, String idempotencyKey) {
    }

    /** What to answer: the execution and whether it is still in progress (202) or done (200). */
    public record Outcome(RecordedExecution execution, boolean inProgress) {

        public ExecutionView view() {
            return execution.view();
        }
    }

    /** As {@link #submitAsync}, waiting here for the answer: for doors that wait in slices (MCP's progress). */
    public Outcome submit(Submission submission, AuthenticatedKey key, Duration wait) {
        return join(submitAsync(submission, key, wait));
    }

    /**
     * Runs or plans a tool for {@code key}: the one entry point, whatever door the request came through.
     * Refusals (unknown tool, scope, input, availability, limits, a reused idempotency key) are thrown as
     * {@link ApiException}s before anything is recorded; what is returned completes with the execution once it
     * has an outcome, or as it stands after {@code wait}, without holding a thread meanwhile.
     */
    public CompletableFuture<Outcome> submitAsync(Submission submission, AuthenticatedKey key, Duration wait) {
        ToolRequests.Checked checked = requests.check(submission.tool(), submission.input(), key, submission.mode());
        Tool tool = checked.tool();
        ToolDescriptor descriptor = tool.descriptor();
        if (submission.mode() == ExecutionMode.EXECUTE) {
            refuseUnavailable(tool);
            if (ApprovalRequirement.requiredApprovals(descriptor.approval(), submission.input()) > 0) {
                return pendingApproval(tool, submission, key);
            }
        }

        Map<String, Object> recordedInput = checked.recordedInput();
        ToolRef ref = checked.ref();
        String requestHash = checked.executionHash(submission.mode(), submission.reason());
        String executionId = submission.idempotencyKey() == null ? ExecutionIds.random()
                : ExecutionIds.forIdempotencyKey(key.keyId(), submission.idempotencyKey());

        if (submission.mode() == ExecutionMode.PLAN) {
            Plan plan = plan(tool, submission.input());
            // The answer is told from the one event this node appends; a repeat (the plan existed) is read.
            ToolRunner.Appended appended = runner.keepAppended(executionId);
            boolean created;
            List<DomainEventMessage<?>> events;
            try {
                created = create(new PlanExecutionCommand(executionId, ref, recordedInput, submission.reason(),
                        key.actor(), submission.idempotencyKey(), requestHash, plan), executionId,
                        stored -> ToolRequests.executionHashAs(stored, ref.name(), ExecutionMode.PLAN, recordedInput,
                                submission.reason()));
            } finally {
                events = appended.stop();
            }
            Optional<RecordedExecution> told = created ? runner.toldByAppends(executionId, events)
                    : Optional.empty();
            return told.map(execution -> CompletableFuture.completedFuture(new Outcome(execution, false)))
                    .orElseGet(() -> answer(executionId, Duration.ZERO));
        }
        try {
            admission.admit(key, descriptor.name(), submission.input(), executionId);
        } catch (BudgetEscalation escalation) {
            return pendingApproval(tool, submission, key);
        }
        boolean storedSecrets = vault.putIfAbsent(executionId,
                SecretRedactor.extract(submission.input(), descriptor.secretFields()));
        RequestExecutionCommand request = new RequestExecutionCommand(executionId, ref, recordedInput,
                submission.reason(), key.actor(), submission.idempotencyKey(), requestHash, null, tool.steps());
        return answer(executionId, requestAndRun(request, tool, submission.input(), key, storedSecrets), wait);
    }

    /**
     * Requests the execution and claims it for this node in one commit, then runs it here; when it
     * exists already (an idempotent repeat), only checks that it is the same request.
     *
     * @return the run on this node, or nothing when the execution existed already
     */
    private Optional<CompletableFuture<Optional<RecordedExecution>>> requestAndRun(RequestExecutionCommand request,
                                                                                   Tool tool, JsonNode input,
                                                                                   AuthenticatedKey key,
                                                                                   boolean storedSecrets) {
        ToolRunner.Appended appended = runner.keepAppended(request.executionId());
        boolean created;
        try {
            created = create(new RequestAndStartExecutionCommand(request, runner.runnerName()), request.executionId(),
                    stored -> ToolRequests.executionHashAs(stored, request.tool().name(), ExecutionMode.EXECUTE,
                            request.input(), request.reason()));
        } catch (RuntimeException e) {
            appended.stop();
            if (storedSecrets) {
                vault.forget(request.executionId());
            }
            throw e;
        }
        if (!created) {
            appended.stop();
            return Optional.empty();
        }
        return Optional.of(runner.runAccepted(request.executionId(), tool, input, key.keyId(), appended));
    }

    /**
     * Resumes a failed execution: only its original actor (the same principal, in normal form) or an
     * admin may, and only with a key that could start it now: the tool's scope and the key's tool
     * patterns ({@code 403}), the tool still available, and admitted by the tool's rate limit and
     * budgets as a new execution is ({@code 429}). Budgets are charged under the execution's id, so
     * the window that counted the first attempt does not count it twice.
     */
    CompletableFuture<Outcome> retry(String executionId, AuthenticatedKey key, Duration wait) {
        RecordedExecution existing = reader.read(executionId).orElseThrow(() -> ApiException.notFound(
                "execution_not_found", "no execution with id " + executionId));
        ExecutionView view = existing.view();
        if (!key.isAdmin() && !isOriginalActor(existing, key)) {
            throw ApiException.forbidden("forbidden", "only the original actor or an admin may retry this execution");
        }
        if (!key.mayUseTool(view.tool())) {
            throw ApiException.forbidden("forbidden", "this API key is not allowed to use " + view.tool());
        }
        if (view.status() != ExecutionStatus.FAILED) {
            throw new Refusal(RefusalReason.INVALID_STATE, "only a failed execution can be retried; execution "
                    + executionId + " is " + view.status().name().toLowerCase(Locale.ROOT));
        }
        Optional<Tool> tool = registry.find(view.tool());
        if (tool.isPresent()) {
            Scope needed = tool.get().descriptor().requiredScope();
            if (!key.hasScope(needed)) {
                throw ApiException.forbidden("forbidden", "this API key lacks the scope " + needed.wireName());
            }
            refuseUnavailable(tool.get());
        }
        admitRetry(view, key);
        commands.sendAndWait(new RetryExecutionCommand(executionId, key.actor()));
        return answer(executionId, wait);
    }

    /**
     * The tool's rate limit and budgets, with the recorded (redacted) input. An execution that people
     * approved is charged as approved executions are; any other that an {@code escalate} budget would
     * send to approval is refused with that budget's {@code 429}: a retry cannot become a new request.
     */
    private void admitRetry(ExecutionView view, AuthenticatedKey key) {
        JsonNode input = ToolJson.MAPPER.valueToTree(view.input() == null ? Map.of() : view.input());
        try {
            admission.admit(key, view.tool(), input, view.executionId());
        } catch (BudgetEscalation escalation) {
            if (view.approvalRequestId() == null) {
                throw escalation;
            }
            budgets.spendApproved(view.tool(), input, view.executionId());
        }
    }

    private static boolean isOriginalActor(RecordedExecution execution, AuthenticatedKey key) {
        return execution.view().actor() != null && Principals.same(key.principal(), execution.view().actor().name());
    }

    private void refuseUnavailable(Tool tool) {
        tool.unavailableReason().ifPresent(reason -> {
            throw new ApiException(503, "connector_unavailable", "Connector unavailable",
                    tool.descriptor().name() + " cannot run: " + reason);
        });
    }

    /**
     * An execution that needs approval (by the tool's policy, or because it would exceed an
     * {@code escalate} budget) never runs directly: it opens an approval request (or finds
     * the one this Idempotency-Key opened) and answers with it, so the caller has a handle to wait on.
     */
    private CompletableFuture<Outcome> pendingApproval(Tool tool, Submission submission, AuthenticatedKey key) {
        ApprovalRequestView request = approvals.open(tool, submission.input(), submission.reason(), key,
                submission.idempotencyKey());
        ExecutionView view = ExecutionView.builder()
                .executionId(ApprovalRequests.executionIdFor(request.id()))
                .tool(request.tool())
                .toolVersion(request.toolVersion())
                .mode(ExecutionMode.EXECUTE)
                .status(ExecutionStatus.PENDING_APPROVAL)
                .input(request.input())
                .actor(request.requestedBy())
                .approvalRequestId(request.id())
                .idempotencyKey(submission.idempotencyKey())
                .reason(request.reason())
                .plan(request.plan())
                .createdAt(request.createdAt())
                .steps(List.of())
                .position(request.position())
                .build();
        return CompletableFuture.completedFuture(new Outcome(new RecordedExecution(view, null), true));
    }

    /**
     * Runs an approved request's payload, once. Availability and admission come first, so that a
     * refusal there leaves the request usable; then the request is claimed, and only the claimant
     * requests the execution, under the id derived from the request. The command is built from what
     * the request recorded, as {@code ApprovedExecutions} builds it should this process die after the
     * claim; while this runs, that processor waits, so that this node requests and runs it, secrets and all.
     */
    public Outcome executeApproved(String requestId, JsonNode input, AuthenticatedKey key, Duration wait) {
        return join(executeApprovedAsync(requestId, input, key, wait));
    }

    /** As {@link #executeApproved}, answering with a future of the outcome instead of waiting for it. */
    CompletableFuture<Outcome> executeApprovedAsync(String requestId, JsonNode input, AuthenticatedKey key,
                                                    Duration wait) {
        // The key's tool patterns before admission, so that a refused key spends nothing of the tool's limits.
        ApprovalRequestView request = approvals.getFor(requestId, key);
        registry.find(request.tool()).ifPresent(this::refuseUnavailable);
        String executionId = ApprovalRequests.executionIdFor(requestId);
        try {
            admission.admit(key, request.tool(), input, executionId);
        } catch (BudgetEscalation escalation) {
            // People approved this payload: the budget that would escalate it again charges it instead.
            budgets.spendApproved(request.tool(), input, executionId);
        }
        approvals.beginExecution(requestId);
        Optional<CompletableFuture<Optional<RecordedExecution>>> run;
        try {
            ApprovalRequests.Claim claim = approvals.claim(requestId, input, key);
            boolean storedSecrets = vault.putIfAbsent(executionId,
                    SecretRedactor.extract(input, claim.tool().descriptor().secretFields()));
            run = requestAndRun(approvals.executionCommand(requestId, key.actor()), claim.tool(), input, key,
                    storedSecrets);
        } finally {
            approvals.endExecution(requestId);
        }
        // An approved execution still answers with a read: issue 13 moved only a direct request's own run onto
        // the events it appended, and left this path as it was.
        return answer(executionId, run.map(ExecutionService::endOnly), wait);
    }

    /** The end of a run, without the execution as it told it. */
    private static CompletableFuture<Optional<RecordedExecution>> endOnly(
            CompletableFuture<Optional<RecordedExecution>> run) {
        return run.thenApply(told -> Optional.empty());
    }

    /**
     * The execution once it has an outcome, or as it stands when {@code wait} has passed (at once for
     * {@link Duration#ZERO}); empty for an id no execution has. For doors that wait in slices (MCP's progress).
     */
    public Optional<Outcome> await(String executionId, Duration wait) {
        return join(waiter.await(executionId, wait)).map(e -> new Outcome(e, !e.view().status().isTerminal()));
    }

    /** The future's value, with the exception it failed with thrown as it was (not wrapped). */
    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    private Plan plan(Tool tool, JsonNode input) {
        try {
            List<Effect> effects = tool.plan(input);
            return new Plan(effects, CanonicalJson.digest(effects));
        } catch (ToolFailure failure) {
            throw new ApiException(422, "plan_failed", "Plan failed", failure.getMessage(),
                    Map.of("reason", failure.code()), Map.of());
        }
    }

    /**
     * Creates the aggregate. When it exists already (an idempotent retry, or a concurrent twin),
     * the existing execution must carry the same request, else the key was reused for another one.
     */
    private boolean create(Object command, String executionId, UnaryOperator<String> requestHashAs) {
        try {
            commands.sendAndWait(command);
            return true;
        } catch (RuntimeException e) {
            if (!isDuplicateCreation(e)) {
                throw e;
            }
            RecordedExecution existing = reader.read(executionId).orElseThrow(() -> e);
            String stored = existing.requestHash();
            if (stored == null || !stored.equals(requestHashAs.apply(stored))) {
                throw new ApiException(422, "idempotency_key_reused", "Idempotency key reused",
                        "this Idempotency-Key was already used with a different request");
            }
            return false;
        }
    }

    /**
     * Answers with a run of this node: waits for its end (at most {@code wait}), then answers with the execution as
     * the run's own appends told it, or else reads it once, instead of reading it while it runs and again when it
     * ends. A read answers whenever the run did not tell it: the wait ran out, the outcome could not be recorded
     * here, or the stream holds events this node did not append.
     */
    private CompletableFuture<Outcome> answer(String executionId,
                                              Optional<CompletableFuture<Optional<RecordedExecution>>> run,
                                              Duration wait) {
        if (run.isEmpty()) {
            return answer(executionId, wait);
        }
        long started = System.nanoTime();
        return run.get().completeOnTimeout(Optional.empty(), wait.toMillis(), TimeUnit.MILLISECONDS)
                .thenCompose(told -> {
                    if (told.isPresent()) {
                        return CompletableFuture.completedFuture(new Outcome(told.get(), false));
                    }
                    Duration left = wait.minusNanos(System.nanoTime() - started);
                    return answer(executionId, left.isNegative() ? Duration.ZERO : left);
                });
    }

    private CompletableFuture<Outcome> answer(String executionId, Duration wait) {
        return waiter.await(executionId, wait).thenApply(found -> {
            RecordedExecution execution = found.orElseThrow(() -> new IllegalStateException(
                    "execution " + executionId + " vanished after creation"));
            return new Outcome(execution, !execution.view().status().isTerminal());
        });
    }

    private static boolean isDuplicateCreation(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof AggregateStreamCreationException || t instanceof ConcurrencyException) {
                return true;
            }
        }
        return false;
    }
}
