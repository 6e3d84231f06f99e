package io.opsplane.command.connector.http;

import java.util.List;

/**
 * The tools file cannot be loaded. Thrown at start, so a broken file stops the command side
 * instead of loading part of it. Each problem names the file, the line and column, and the field.
 */
public class ToolsFileException extends RuntimeException {

    private final List<String> problems;

    ToolsFileException(String file, List<String> problems) {
        super("the tools file " + file + " (OPSPLANE_TOOLS_FILE) is invalid; nothing from it was loaded:\n  "
                + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
