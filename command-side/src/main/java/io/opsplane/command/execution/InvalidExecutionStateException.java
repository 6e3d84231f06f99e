package io.opsplane.command.execution;

import io.opsplane.platform.problem.ApiException;

/** {@code 409 invalid_state}: the execution is not in a state that allows the command. */
class InvalidExecutionStateException extends ApiException {

    InvalidExecutionStateException(String detail) {
        super(409, "invalid_state", "Invalid state", detail);
    }
}
