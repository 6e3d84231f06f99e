package io.opsplane.command.execution;

/**
 * A throwable as it may be logged for a tool with secret inputs: each exception of the chain keeps its class name
 * and stack trace, but not its message, which may quote an input (the JDK quotes a header value it refuses).
 */
final class RedactedThrowable extends RuntimeException {

    private RedactedThrowable(Throwable original, int depth) {
        super(original.getClass().getName() + " (message withheld: the tool has secret inputs)",
                original.getCause() == null || depth > 16 ? null : new RedactedThrowable(original.getCause(), depth + 1),
                false, true);
        setStackTrace(original.getStackTrace());
    }

    static RedactedThrowable of(Throwable original) {
        return new RedactedThrowable(original, 0);
    }
}
