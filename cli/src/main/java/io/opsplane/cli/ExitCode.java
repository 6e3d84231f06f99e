package io.opsplane.cli;

/** The exit codes of every verb, documented in docs/operations.md. */
final class ExitCode {

    static final int OK = 0;
    /** The server refused the operation, or it ran and failed. */
    static final int FAILED = 1;
    /** The command line itself is wrong: unknown verb or option, a value that does not fit, no key. */
    static final int USAGE = 2;
    /** No Opsplane answered at the configured URL. */
    static final int UNREACHABLE = 3;
    /** The execution waits for approval. */
    static final int PENDING_APPROVAL = 4;

    private ExitCode() {
    }
}
