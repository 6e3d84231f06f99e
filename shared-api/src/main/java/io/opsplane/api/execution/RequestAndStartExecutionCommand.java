package io.opsplane.api.execution;

/**
 * Asks for a tool to run and claims it for the runner of the node that accepted the request, in one commit:
 * {@link ExecutionRequestedEvent} and {@link ExecutionStartedEvent} (attempt 1) are appended together, and that
 * node runs the tool at once. Should the node die before the outcome is recorded, the runners' streaming processor
 * finds the execution started by a runner that no longer beats and recovers it as after any crash.
 *
 * @param request what {@link RequestExecutionCommand} would record
 * @param runner  the claiming runner's name, recorded in the started event
 */
public record RequestAndStartExecutionCommand(RequestExecutionCommand request, String runner) {
}
