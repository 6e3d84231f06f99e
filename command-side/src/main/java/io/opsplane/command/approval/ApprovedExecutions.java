package io.opsplane.command.approval;

import io.opsplane.api.approval.RequestExecutedEvent;
import io.opsplane.api.execution.RequestExecutionCommand;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Makes sure every executed approval request has its execution. {@code POST .../execute} records
 * {@code approval.executed} and then requests the execution; a process that dies between the two
 * would leave the request executed with nothing run. This tracking processor sends the same
 * {@link RequestExecutionCommand} (same derived id, same pinned tool and input) for every
 * {@code approval.executed}; when the execution exists already, the store refuses the second
 * creation and that is the expected, done case. Its token moves on only after the execution exists:
 * a failure is retried, not skipped. A recovered run has no secret inputs (they were held in the
 * memory of the process that died), so a tool with secret inputs fails it with {@code secret_unavailable}.
 */
@Component
@ProcessingGroup(ApprovedExecutions.PROCESSING_GROUP)
class ApprovedExecutions {

    static final String PROCESSING_GROUP = "approved-executions";
    /** How long to let an execute in this process finish (it holds the run's secrets) before acting alone. */
    private static final Duration LOCAL_EXECUTE_GRACE = Duration.ofSeconds(30);

    private final ApprovalRequests approvals;
    private final CommandGateway commands;

    ApprovedExecutions(ApprovalRequests approvals, CommandGateway commands) {
        this.approvals = approvals;
        this.commands = commands;
    }

    @EventHandler
    void on(RequestExecutedEvent event) throws InterruptedException {
        approvals.awaitLocalExecutions(event.requestId(), LOCAL_EXECUTE_GRACE);
        RequestExecutionCommand command = approvals.executionCommand(event.requestId(), event.by());
        try {
            commands.sendAndWait(command);
        } catch (RuntimeException e) {
            if (!isDuplicateCreation(e)) {
                throw e;
            }
        }
    }

    private static boolean isDuplicateCreation(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof AggregateStreamCreationException || t instanceof ConcurrencyException) {
                return true;
            }
        }
        return false;
    }

    /** Failures propagate, so the processor retries the event instead of logging and moving past it. */
    @Configuration(proxyBeanMethods = false)
    static class RetryOnFailure {

        @Autowired
        void configure(EventProcessingConfigurer processing) {
            processing.registerListenerInvocationErrorHandler(PROCESSING_GROUP,
                    configuration -> PropagatingErrorHandler.instance());
        }
    }
}
