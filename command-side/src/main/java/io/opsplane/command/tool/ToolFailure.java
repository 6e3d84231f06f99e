package io.opsplane.command.tool;

/**
 * A tool's own failure: the execution ends {@code failed} with this code and message (a {@code 200}
 * whose execution failed, not an HTTP error). Messages must not contain secrets.
 */
public class ToolFailure extends Exception {

    private final String code;

    public ToolFailure(String code, String message) {
        super(message);
        this.code = code;
    }

    public ToolFailure(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
