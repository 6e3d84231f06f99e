package io.opsplane.cli;

/**
 * Ends a verb with a one-line message on stderr and an exit code. Thrown wherever the reason is known; the command
 * line prints the message, never a stack trace.
 */
final class Failure extends RuntimeException {

    private final int exitCode;

    private Failure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    static Failure failed(String message) {
        return new Failure(ExitCode.FAILED, message);
    }

    static Failure usage(String message) {
        return new Failure(ExitCode.USAGE, message);
    }

    static Failure unreachable(String message) {
        return new Failure(ExitCode.UNREACHABLE, message);
    }

    int exitCode() {
        return exitCode;
    }
}
